// Mapping log -> Report::mappings and the summary's mapping counts.
#ifndef LEAKWATCH_REPORT_MAPPING_SITES_H_
#define LEAKWATCH_REPORT_MAPPING_SITES_H_

#include <stdint.h>

#include <functional>
#include <string>
#include <vector>

#include "analyze/mapping_log.h"
#include "report/report.h"

namespace leakwatch {

using StackSymbolizer = std::function<std::vector<Frame>(uint32_t stack_id)>;

// add_mapping_sites() groups what `replay` kept into report.mappings and
// counts it in report.summary.
void add_mapping_sites(Report& report, const MappingLogReplay& replay,
                       const StackSymbolizer& symbolize_stack);

// "rw-" for PROT_READ|PROT_WRITE; "---" for PROT_NONE.
std::string protection_text(int32_t prot);
// "MAP_PRIVATE|MAP_ANONYMOUS" and the like (the flags that say what it is).
std::string map_flags_text(int32_t flags);

// One line describing a site, without the stack: the text report's heading,
// e.g. "Mapping never unmapped: 8192 byte(s) in 1 mapping(s) (rw-, MAP_PRIVATE|MAP_ANONYMOUS)".
std::string mapping_site_heading(const MappingSite& site);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_MAPPING_SITES_H_
