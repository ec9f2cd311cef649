// State file -> Report.
#ifndef LEAKWATCH_REPORT_REPORT_BUILDER_H_
#define LEAKWATCH_REPORT_REPORT_BUILDER_H_

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "analyze/leak_grouping.h"
#include "analyze/suppressions.h"
#include "format/errors_format.h"
#include "format/session_format.h"
#include "report/report.h"

namespace leakwatch {

class StateFile;

// build_report() reports every live allocation of `state`, grouped by
// (leak class, symbolized stack); the classes come from the scan file next
// to the state file ("unclassified" without one). Problems that did not stop it (unreadable
// modules, clamped counts, unknown stacks) are appended to `warnings` as
// single lines without a prefix. `on_progress`, if set, is called as
// stacks are symbolized with (stacks done, stacks in all).
using BuildProgress = std::function<void(uint64_t done, uint64_t total)>;
Report build_report(const StateFile& state, std::vector<std::string>& warnings,
                    const BuildProgress& on_progress = {});

// build_report_from_records() reports `records` (live blocks of `state`,
// e.g. as an on-demand check copied them) with classes[i] for records[i]
// (all unclassified when `classes` is empty); stacks, modules, counters and
// process come from `state`.
Report build_report_from_records(const StateFile& state,
                                 std::span<const format::AllocationRecord> records,
                                 std::span<const format::ReachClass> classes,
                                 std::vector<std::string>& warnings,
                                 const BuildProgress& on_progress = {});

// apply_suppressions() removes from `report` the leak sites a suppression
// matches (the first that matches takes the site), subtracts them from the
// summary's leaked bytes and blocks, and records in report.suppressions
// what each suppression that matched anything took.
void apply_suppressions(Report& report, std::span<const Suppression> suppressions);

// count_site() adds (sign > 0) or removes (sign < 0) a site's bytes and
// blocks to/from the summary: its class's totals, and leaked_* unless it is
// still reachable.
void count_site(Summary& summary, const LeakSite& site, int sign);

// add_leak_sites() appends one site per group (kind from its class,
// "unclassified" when no scan ran) and counts each into the summary.
void add_leak_sites(Report& report, std::vector<LeakGroup> groups);

// add_memory_errors() appends one MemoryError per record of the errors file,
// its stacks symbolized by `symbolize_stack` (stack id -> frames).
void add_memory_errors(Report& report, const std::vector<format::ErrorRecord>& records,
                       const std::function<std::vector<Frame>(uint32_t)>& symbolize_stack);

// summary_from_counters() copies the runtime's always-on counters.
Summary summary_from_counters(const format::Counters& counters);

// kind_summaries() turns the per-kind counters into summary rows (kinds
// with neither allocations nor frees are left out).
std::vector<KindSummary> kind_summaries(
    std::span<const format::KindCounters> counters);

// process_info_from_header() takes pid, command line and the like from the
// header; a state still "running" is checked against the live process.
ProcessInfo process_info_from_header(const format::SessionHeader& header);

}  // namespace leakwatch

#endif  // LEAKWATCH_REPORT_REPORT_BUILDER_H_
