// Read-only view of a memory errors file ("<pid>-<image>.lwerrors"), which
// the runtime appends to next to the state file whenever the program frees
// memory wrongly (format/errors_format.h).
#ifndef LEAKWATCH_ANALYZE_ERRORS_FILE_H_
#define LEAKWATCH_ANALYZE_ERRORS_FILE_H_

#include <string>
#include <vector>

#include "format/errors_format.h"

namespace leakwatch {

// errors_file_path() is the errors file's name for a state file's name.
std::string errors_file_path(const std::string& state_path);

// read_error_records() returns the records of the errors file of
// `state_path` in the order they were written; none when there is no file.
// Records of an unknown version or kind, and a truncated last record, are
// skipped with one line in `warnings` per problem.
std::vector<format::ErrorRecord> read_error_records(const std::string& state_path,
                                                    std::vector<std::string>& warnings);

}  // namespace leakwatch

#endif  // LEAKWATCH_ANALYZE_ERRORS_FILE_H_
