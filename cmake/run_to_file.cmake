# cmake -DPROGRAM=exe -DARGUMENT=arg -DOUTPUT=file -P run_to_file.cmake
#
# Runs PROGRAM ARGUMENT and writes its stdout to OUTPUT (portable: no shell
# redirection in custom commands). Fails the build if PROGRAM fails.
get_filename_component(_dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${_dir}")
execute_process(COMMAND "${PROGRAM}" "${ARGUMENT}" OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE _result)
if(NOT _result EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "${PROGRAM} ${ARGUMENT} failed: ${_result}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
