// main() for a fuzz target built without libFuzzer: runs every file of the
// directories given on the command line through LLVMFuzzerTestOneInput (the
// seed corpus and past crashes, as the fuzz-regressions tests).
#pragma once

#include <dirent.h>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char **argv) {
  int n = 0;
  for (int i = 1; i < argc; ++i) {
    DIR *d = opendir(argv[i]);
    if (!d) continue;
    while (dirent *e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::ifstream in(std::string(argv[i]) + "/" + e->d_name, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string s = ss.str();
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(s.data()), s.size());
      ++n;
    }
    closedir(d);
  }
  std::cout << "ran " << n << " inputs\n";
  return n > 0 ? 0 : 1;
}
