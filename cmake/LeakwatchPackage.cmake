# The installed CMake package (find_package(leakwatch), targets leakwatch::*)
# and leakwatch.pc. A target joins the package with one line anywhere in the
# tree:
#   install(TARGETS <target> EXPORT leakwatchTargets ...)
# with its EXPORT_NAME property set to the name after "leakwatch::".
include(CMakePackageConfigHelpers)

set(LEAKWATCH_CMAKE_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/leakwatch)
install(EXPORT leakwatchTargets
  NAMESPACE leakwatch::
  DESTINATION ${LEAKWATCH_CMAKE_PACKAGE_DIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/leakwatchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/leakwatchConfig.cmake
  INSTALL_DESTINATION ${LEAKWATCH_CMAKE_PACKAGE_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
# 0.x releases promise nothing across minor versions.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/leakwatchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/leakwatchConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/leakwatchConfigVersion.cmake
  DESTINATION ${LEAKWATCH_CMAKE_PACKAGE_DIR})

# leakwatch.pc, relocatable: ${pcfiledir}/<this>/ is the prefix.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  message(FATAL_ERROR "leakwatch.pc needs CMAKE_INSTALL_LIBDIR and CMAKE_INSTALL_INCLUDEDIR relative to the prefix")
endif()
file(RELATIVE_PATH LEAKWATCH_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/leakwatch.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/leakwatch.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/leakwatch.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
