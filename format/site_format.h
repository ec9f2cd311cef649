// Source locations of compile-time tracked allocations (LEAKWATCH_TRACK in
// include/leakwatch/leakwatch.h).
//
// The __FILE__/__func__ strings live in the target's memory, so the runtime
// copies each call site once into a side file next to the state file,
// "<state path>.lwsites", appended with one write(2) per new site:
//
//   "S <site id> <line> <file length> <function length> <file><function>\n"
//
// (decimal numbers; the lengths make any byte legal in the names). A site
// may appear more than once (a forked child rewrites what it uses); every
// copy says the same.
//
// A tracked allocation's stack starts with a marker frame naming its site:
// kSiteMarkerBase | site id, an address no user-space code can have.
//
// Shared by runtime/ and the tools: <stdint.h> only.
#ifndef LEAKWATCH_FORMAT_SITE_FORMAT_H_
#define LEAKWATCH_FORMAT_SITE_FORMAT_H_

#include <stdint.h>

namespace leakwatch::format {

inline constexpr char kSiteFileSuffix[] = ".lwsites";
inline constexpr uint64_t kSiteMarkerBase = 0xfffe000000000000ull;
inline constexpr uint64_t kSiteMarkerMask = 0xffff000000000000ull;

inline constexpr bool is_site_marker(uint64_t pc) { return (pc & kSiteMarkerMask) == kSiteMarkerBase; }
inline constexpr uint32_t site_of_marker(uint64_t pc) { return static_cast<uint32_t>(pc); }

}  // namespace leakwatch::format

#endif  // LEAKWATCH_FORMAT_SITE_FORMAT_H_
