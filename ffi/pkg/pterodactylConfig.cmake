# CMake package of libpterodactyl, the C ABI of pterodactyl-client.
#
#   find_package(pterodactyl 0.1 REQUIRED)
#   target_link_libraries(my_plugin PRIVATE pterodactyl::pterodactyl)
#
# Targets:
#   pterodactyl::pterodactyl         libpterodactyl.so, with include/pterodactyl.h
#   pterodactyl::pterodactyl_static  libpterodactyl.a, with the system libraries it needs
#
# The package is relocatable: paths are found from this file's place in PREFIX/lib/cmake/pterodactyl.

include(CMakeFindDependencyMacro)
find_dependency(Threads)

get_filename_component(_pterodactyl_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

if(NOT TARGET pterodactyl::pterodactyl)
  add_library(pterodactyl::pterodactyl SHARED IMPORTED)
  set_target_properties(pterodactyl::pterodactyl PROPERTIES
    IMPORTED_LOCATION "${_pterodactyl_prefix}/lib/libpterodactyl.so"
    IMPORTED_SONAME "libpterodactyl.so"
    INTERFACE_INCLUDE_DIRECTORIES "${_pterodactyl_prefix}/include")
endif()

if(NOT TARGET pterodactyl::pterodactyl_static)
  add_library(pterodactyl::pterodactyl_static STATIC IMPORTED)
  set_target_properties(pterodactyl::pterodactyl_static PROPERTIES
    IMPORTED_LOCATION "${_pterodactyl_prefix}/lib/libpterodactyl.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "${_pterodactyl_prefix}/include"
    # `cargo rustc -p pterodactyl-ffi --crate-type staticlib -- --print native-static-libs`
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m;rt;util;gcc_s")
endif()

unset(_pterodactyl_prefix)
