// Valgrind's XML output (protocol version 4, tool memcheck), for the tools
// that already read it: CI plugins, IDEs, valgrind-ci and the like.
#ifndef LEAKWATCH_REPORT_VALGRIND_XML_WRITER_H_
#define LEAKWATCH_REPORT_VALGRIND_XML_WRITER_H_

#include <string>
#include <string_view>

#include "report/report.h"

namespace leakwatch {

// valgrind_error_kind() is the <kind> of a leak site of `kind`:
// Leak_DefinitelyLost, Leak_IndirectlyLost, Leak_PossiblyLost or
// Leak_StillReachable (unclassified leaks count as definite until the
// reachability scan classifies them; see valgrind_leak_class()).
std::string_view valgrind_error_kind(std::string_view kind);

// format_valgrind_xml_report() renders `report` as Valgrind would: a
// preamble, the RUNNING and FINISHED statuses, one <error> per leak site
// (numbered as loss records in report order, tid 1: leakwatch does not
// record threads), <errorcounts> (empty: leaks are not counted there, as in
// Valgrind) and <suppcounts> with the suppressions that matched.
std::string format_valgrind_xml_report(const Report& report);

// xml_escape() escapes &, <, >, " and '; control characters other than
// tab and newline, and bytes that are not UTF-8, become '?', which XML 1.0
// cannot carry.
std::string xml_escape(std::string_view text);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_VALGRIND_XML_WRITER_H_
