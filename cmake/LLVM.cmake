# Finds LLVM/Clang of one major version (default 14; -DSQLRACE_LLVM_VERSION=N selects
# another installed /usr/lib/llvm-N, or pass -DLLVM_DIR/-DClang_DIR yourself).
set(SQLRACE_LLVM_VERSION 14 CACHE STRING "LLVM/Clang major version to build against")

if(NOT LLVM_DIR)
  set(LLVM_DIR /usr/lib/llvm-${SQLRACE_LLVM_VERSION}/lib/cmake/llvm)
endif()
if(NOT Clang_DIR)
  set(Clang_DIR /usr/lib/llvm-${SQLRACE_LLVM_VERSION}/lib/cmake/clang)
endif()
find_package(LLVM REQUIRED CONFIG NO_DEFAULT_PATH PATHS ${LLVM_DIR})
find_package(Clang REQUIRED CONFIG NO_DEFAULT_PATH PATHS ${Clang_DIR})
if(NOT LLVM_VERSION_MAJOR EQUAL SQLRACE_LLVM_VERSION)
  message(FATAL_ERROR "asked for LLVM ${SQLRACE_LLVM_VERSION} but found ${LLVM_PACKAGE_VERSION} in ${LLVM_DIR}")
endif()
if(LLVM_VERSION_MAJOR LESS 14)
  message(FATAL_ERROR "sqlrace needs LLVM 14 or newer (found ${LLVM_PACKAGE_VERSION})")
endif()
message(STATUS "sqlrace: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}, RTTI ${LLVM_ENABLE_RTTI}")

# Clang's resource directory (stddef.h and friends) for the CLI, which is
# installed outside LLVM's tree and so cannot find it next to itself.
file(GLOB _sqlrace_resource_dirs LIST_DIRECTORIES true "${LLVM_LIBRARY_DIR}/clang/*")
set(SQLRACE_CLANG_RESOURCE_DIR "")
foreach(_d ${_sqlrace_resource_dirs})
  if(EXISTS "${_d}/include/stddef.h")
    set(SQLRACE_CLANG_RESOURCE_DIR "${_d}")
  endif()
endforeach()
if(NOT SQLRACE_CLANG_RESOURCE_DIR)
  message(FATAL_ERROR "no Clang resource directory with include/stddef.h under ${LLVM_LIBRARY_DIR}/clang "
                      "(install libclang-common-${SQLRACE_LLVM_VERSION}-dev)")
endif()

find_program(SQLRACE_CLANG_TIDY NAMES clang-tidy-${SQLRACE_LLVM_VERSION} clang-tidy
             PATHS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH)
if(NOT SQLRACE_CLANG_TIDY)
  find_program(SQLRACE_CLANG_TIDY NAMES clang-tidy-${SQLRACE_LLVM_VERSION})
endif()

# Flags for code that includes LLVM/Clang headers.
function(sqlrace_llvm_target tgt)
  target_include_directories(${tgt} SYSTEM PRIVATE ${LLVM_INCLUDE_DIRS} ${CLANG_INCLUDE_DIRS})
  target_compile_definitions(${tgt} PRIVATE ${LLVM_DEFINITIONS} SQLRACE_LLVM_MAJOR=${LLVM_VERSION_MAJOR})
  if(NOT LLVM_ENABLE_RTTI)
    target_compile_options(${tgt} PRIVATE -fno-rtti)
  endif()
endfunction()
