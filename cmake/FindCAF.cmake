# Debian ships CAF 0.17 without a CMake package or pkg-config file, so this
# module finds the headers and the three libraries and defines
# CAF::core, CAF::io and CAF::openssl.
find_path(CAF_INCLUDE_DIR caf/all.hpp)
find_library(CAF_CORE_LIBRARY caf_core)
find_library(CAF_IO_LIBRARY caf_io)
find_library(CAF_OPENSSL_LIBRARY caf_openssl)

if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/config.hpp")
  file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" caf_version_line
       REGEX "^#define CAF_VERSION [0-9]+")
  string(REGEX REPLACE "^#define CAF_VERSION ([0-9]+).*" "\\1" caf_version_num "${caf_version_line}")
  if(caf_version_num)
    math(EXPR caf_major "${caf_version_num} / 10000")
    math(EXPR caf_minor "(${caf_version_num} / 100) % 100")
    math(EXPR caf_patch "${caf_version_num} % 100")
    set(CAF_VERSION "${caf_major}.${caf_minor}.${caf_patch}")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CAF
  REQUIRED_VARS CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY
  VERSION_VAR CAF_VERSION)

find_package(Threads REQUIRED)
foreach(part CORE IO OPENSSL)
  string(TOLOWER ${part} lower)
  if(CAF_${part}_LIBRARY AND NOT TARGET CAF::${lower})
    add_library(CAF::${lower} SHARED IMPORTED)
    set_target_properties(CAF::${lower} PROPERTIES
      IMPORTED_LOCATION "${CAF_${part}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES Threads::Threads)
  endif()
endforeach()
if(TARGET CAF::io)
  set_property(TARGET CAF::io APPEND PROPERTY INTERFACE_LINK_LIBRARIES CAF::core)
endif()
