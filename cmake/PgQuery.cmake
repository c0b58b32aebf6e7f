# libpg_query (Debian: libpg-query-dev). The static archive is position
# independent and carries its own protobuf-c runtime; protobuf-c's header comes
# from libprotobuf-c-dev.
find_path(PG_QUERY_INCLUDE_DIR pg_query.h REQUIRED)
find_path(PROTOBUF_C_INCLUDE_DIR protobuf-c/protobuf-c.h REQUIRED)
find_library(PG_QUERY_STATIC_LIB NAMES libpg_query.a REQUIRED)
add_library(pg_query_static STATIC IMPORTED)
set_target_properties(pg_query_static PROPERTIES
  IMPORTED_LOCATION ${PG_QUERY_STATIC_LIB}
  INTERFACE_INCLUDE_DIRECTORIES "${PG_QUERY_INCLUDE_DIR};${PROTOBUF_C_INCLUDE_DIR}")
