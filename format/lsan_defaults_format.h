// What a target annotated for LeakSanitizer asks of the report: the runtime
// reads __lsan_default_options, LSAN_OPTIONS and __lsan_default_suppressions
// inside the target and hands the report's share to the CLI in two side
// files next to the state file:
//
//   "<stem>.lwlsanopts": one "name=value\n" line per report option, in
//     leakwatch's names (error_exitcode, suppressions), already merged
//     (LSAN_OPTIONS over __lsan_default_options); the CLI puts
//     LEAKWATCH_OPTIONS and its flags over them.
//   "<stem>.lwlsansupp": the text __lsan_default_suppressions returned, as is.
//
// Shared by runtime/ and the tools.
#ifndef LEAKWATCH_FORMAT_LSAN_DEFAULTS_FORMAT_H_
#define LEAKWATCH_FORMAT_LSAN_DEFAULTS_FORMAT_H_

namespace leakwatch::format {

inline constexpr char kLsanOptionsFileSuffix[] = ".lwlsanopts";
inline constexpr char kLsanSuppressionsFileSuffix[] = ".lwlsansupp";
// How reports name the suppressions that came from the target.
inline constexpr char kLsanDefaultSuppressionsName[] = "__lsan_default_suppressions";

}  // namespace leakwatch::format

#endif  // LEAKWATCH_FORMAT_LSAN_DEFAULTS_FORMAT_H_
