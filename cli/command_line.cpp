#include "cli/command_line.h"

#include <ctype.h>

#include <algorithm>
#include <deque>
#include <exception>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "analyze/state_file.h"
#include "cli/check_command.h"
#include "cli/cli_error.h"
#include "cli/command_doc.h"
#include "cli/diff_command.h"
#include "cli/mtrace_command.h"
#include "cli/option_table.h"
#include "cli/report_command.h"
#include "cli/run_command.h"
#include "cli/snapshot_command.h"
#include "cli/top_command.h"
#include "report/report.h"
#include "report/writer_dispatch.h"

namespace leakwatch {
namespace {

constexpr char kRunUsage[] = "leakwatch run [OPTIONS] [--] PROGRAM [ARGS...]";
constexpr char kReportUsage[] = "leakwatch report [OPTIONS] STATEFILE";
constexpr char kMtraceUsage[] = "leakwatch mtrace [OPTIONS] LOG [--exe PROGRAM]";

// One generated flag and where CLI11 stores its value.
struct FlagSlot {
  const OptionSpec* spec = nullptr;
  CLI::Option* option = nullptr;
  CLI::Option* negation = nullptr;  // --no-NAME of a bool option
  std::string text;
  std::vector<std::string> texts;  // a repeatable flag (--suppressions)
  int number = 0;
  bool flag = false;
};

// String options whose flag may be given several times, each value kept.
bool is_repeatable(std::string_view option_name) { return option_name == "suppressions"; }

// Flags of every options.inc entry (only REPORT ones when `report_only`),
// named after the option, documented with its text and default.
class GeneratedFlags {
 public:
  void add_to(CLI::App& app, bool report_only) {
    for (const OptionSpec& spec : option_specs()) {
      if (report_only && !spec.report_only) continue;
      FlagSlot& slot = slots_.emplace_back();
      slot.spec = &spec;
      std::string name = flag_name(spec.name);
      std::string doc(spec.doc);
      if (!doc.empty()) doc[0] = static_cast<char>(toupper(static_cast<unsigned char>(doc[0])));
      switch (spec.type) {
        case OptionType::kBool:
          // Two plain flags read better in --help than CLI11's "{false}" form.
          slot.option = app.add_flag_function(
              name, [&slot](int64_t) { slot.flag = true; },
              fmt::format("{} (default: {})", doc, spec.default_value));
          slot.negation = app.add_flag_function(
              "--no-" + name.substr(2), [&slot](int64_t) { slot.flag = false; },
              fmt::format("Turn {} off.", name));
          continue;
        case OptionType::kInt:
          slot.option = app.add_option(name, slot.number, doc)->type_name("N");
          value_flags_.push_back(name);
          break;
        case OptionType::kString:
          if (is_repeatable(spec.name)) {
            slot.option = app.add_option(name, slot.texts, doc)
                              ->type_name("FILE")
                              ->allow_extra_args(false)
                              ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
          } else {
            slot.option = app.add_option(name, slot.text, doc)->type_name("TEXT");
          }
          value_flags_.push_back(name);
          break;
      }
      slot.option->default_str(std::string(spec.default_value));
      if (spec.name == "format") {
        slot.option->check(
            CLI::Validator(
                [](std::string& value) {
                  return parse_report_formats(value)
                             ? std::string()
                             : "expected text, json, valgrind-xml, sarif or html (a comma-separated "
                               "list with --output-dir); got '" + value + "'";
                },
                "FORMAT[,FORMAT...]"));
      }
      if (spec.name == "output_dir") slot.option->type_name("DIR");
      if (spec.name == "output") slot.option->type_name("FILE");
      if (spec.name == "session_dir") slot.option->type_name("DIR");
    }
  }

  // The flags given, as option pairs.
  OptionList given() const {
    OptionList options;
    for (const FlagSlot& slot : slots_) {
      bool negated = slot.negation != nullptr && slot.negation->count() > 0;
      if (slot.option->count() == 0 && !negated) continue;
      std::string value;
      switch (slot.spec->type) {
        case OptionType::kBool:
          value = slot.flag ? "true" : "false";
          break;
        case OptionType::kInt:
          value = std::to_string(slot.number);
          break;
        case OptionType::kString:
          value = slot.text;
          break;
      }
      // "text,json" -> "text+json": ',' separates options in LEAKWATCH_OPTIONS.
      if (slot.spec->name == "format") std::replace(value.begin(), value.end(), ',', '+');
      if (!slot.texts.empty()) {
        for (const std::string& text : slot.texts) {
          options.push_back({std::string(slot.spec->name), text});
        }
        continue;
      }
      options.push_back({std::string(slot.spec->name), value});
    }
    return options;
  }

  const std::vector<std::string>& value_flags() const { return value_flags_; }

 private:
  std::deque<FlagSlot> slots_;  // stable addresses for CLI11
  std::vector<std::string> value_flags_;
};

int usage_error(const std::string& message, const char* usage, const std::string& help_command) {
  fmt::print(stderr, "{}: error: {}\nUsage: {}\nRun '{} --help' for more information.\n", kToolName,
             message, usage, help_command);
  return kExitUsage;
}

int dispatch(int argc, char** argv) {
  CLI::App app{"leakwatch: find memory leaks in C and C++ programs.", "leakwatch"};
  app.set_version_flag("--version", fmt::format("{} {}", kToolName, kToolVersion));
  app.require_subcommand(1, 1);

  CLI::App* run = app.add_subcommand("run", "Run a program and report the memory it leaked.");
  run->footer(fmt::format(
      "Usage: {}\nThe program's stdout is untouched; the report goes to stderr unless --output.",
      kRunUsage));
  GeneratedFlags run_flags;
  run_flags.add_to(*run, false);
  bool keep_session = false;
  run->add_flag("--keep-session", keep_session,
                "Keep the session directory (its state files) and print its path.");
  bool huge_pages = false;
  run->add_flag("--huge-pages", huge_pages,
                "Back the program's malloc heap with transparent huge pages "
                "(GLIBC_TUNABLES=glibc.malloc.hugetlb=1), so a live check pauses it for "
                "milliseconds instead of tens of milliseconds per GiB.");

  CLI::App* report = app.add_subcommand("report", "Render the leak report of a state file.");
  GeneratedFlags report_flags;
  report_flags.add_to(*report, true);
  std::string state_file;
  report->add_option("STATEFILE", state_file, "A <pid>-<image>.lwstate file.")->required();
  uint64_t report_since_sequence = 0;
  report->add_option("--since-sequence", report_since_sequence,
                     "Check results only: report the blocks allocated at or after this allocation "
                     "sequence number (__leakwatch_allocation_sequence).")
      ->type_name("N");

  // Servers (docs/servers.md).
  CLI::App* top = app.add_subcommand("top", "Live view of a running process's outstanding memory.");
  TopRequest top_request;
  top->add_option("PID", top_request.pid, "A process started with leakwatch.")->required();
  top->add_flag("--once", top_request.once, "Print one frame and exit.");
  top->add_option("--interval", top_request.interval_seconds, "Seconds between frames.")
      ->default_str("2")->type_name("SECONDS");
  top->add_option("--sort", top_request.sort, "Order of the sites.")
      ->check(CLI::IsMember({"bytes", "blocks", "growth"}))->default_str("bytes");
  CLI::App* snapshot = app.add_subcommand("snapshot", "Save a running process's outstanding allocations.");
  SnapshotRequest snapshot_request;
  snapshot->add_option("PID", snapshot_request.pid, "A process started with leakwatch.")->required();
  snapshot->add_option("-o,--output", snapshot_request.output, "The snapshot file.")
      ->required()->type_name("FILE");
  CLI::App* check = app.add_subcommand(
      "check", "Classify the leaks of a running process now, without stopping it for long.");
  GeneratedFlags check_flags;
  check_flags.add_to(*check, true);
  CheckRequest check_request;
  check->add_option("PID", check_request.pid, "A process started with leakwatch (run or LD_PRELOAD).")
      ->required();
  check->add_option("--timeout", check_request.timeout_seconds,
                    "Seconds to wait for the process to answer.")
      ->default_str("30")->type_name("SECONDS");
  check->add_option("--since-sequence", check_request.since_sequence,
                    "Report only blocks allocated at or after this allocation sequence number.")
      ->type_name("N");
  CLI::App* diff = app.add_subcommand("diff", "Sites that grew between two snapshots.");
  GeneratedFlags diff_flags;
  diff_flags.add_to(*diff, true);
  std::string diff_before;
  std::string diff_after;
  diff->add_option("A", diff_before, "The earlier snapshot.")->required();
  diff->add_option("B", diff_after, "The later snapshot.")->required();

  CLI::App* mtrace = app.add_subcommand(
      "mtrace", "Report the memory a glibc MALLOC_TRACE log (mtrace(3)) shows not freed.");
  GeneratedFlags mtrace_flags;
  mtrace_flags.add_to(*mtrace, true);
  MtraceRequest mtrace_request;
  mtrace->add_option("LOG", mtrace_request.log, "The file MALLOC_TRACE named.")->required();
  mtrace->add_option("--exe", mtrace_request.exe,
                     "The traced program (the log names it by its argv[0]).")
      ->type_name("PROGRAM");

  std::vector<std::string> args(argv, argv + argc);
  // Hidden: the build makes leakwatch(1) and the bash completion with these.
  if (args.size() == 2 && (args[1] == "--help-man" || args[1] == "--help-bash-completion")) {
    CliDoc doc = describe_cli(app);
    std::string text = args[1] == "--help-man" ? format_man_page(doc) : format_bash_completion(doc);
    fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  RunSplit split = split_run_command(args, run_flags.value_flags());
  std::vector<char*> parse_argv;
  for (std::string& arg : split.leakwatch_args) parse_argv.push_back(arg.data());
  try {
    app.parse(static_cast<int>(parse_argv.size()), parse_argv.data());
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(error);  // --help, --version: to stdout
    }
    if (run->parsed()) return usage_error(error.what(), kRunUsage, "leakwatch run");
    if (report->parsed()) return usage_error(error.what(), kReportUsage, "leakwatch report");
    if (mtrace->parsed()) return usage_error(error.what(), kMtraceUsage, "leakwatch mtrace");
    return usage_error(error.what(), "leakwatch run|report|check|mtrace|top|snapshot|diff ...", "leakwatch");
  }

  if (run->parsed()) {
    if (split.command.empty()) {
      return usage_error("run: no program to run", kRunUsage, "leakwatch run");
    }
    return run_command(RunRequest{split.command, run_flags.given(), keep_session, huge_pages});
  }
  if (mtrace->parsed()) {
    mtrace_request.options = mtrace_flags.given();
    return mtrace_command(mtrace_request);
  }
  if (top->parsed()) return top_command(top_request);
  if (snapshot->parsed()) return snapshot_command(snapshot_request);
  if (check->parsed()) {
    check_request.options = check_flags.given();
    return check_command(check_request);
  }
  if (diff->parsed()) return diff_command(DiffRequest{diff_before, diff_after, diff_flags.given()});
  return report_command(ReportRequest{state_file, report_flags.given(), report_since_sequence});
}

}  // namespace

RunSplit split_run_command(const std::vector<std::string>& args,
                           const std::vector<std::string>& value_flags) {
  RunSplit split;
  size_t i = 0;
  if (!args.empty()) split.leakwatch_args.push_back(args[i++]);
  // Global flags take no values; the first other word is the subcommand.
  while (i < args.size() && args[i].starts_with("-")) split.leakwatch_args.push_back(args[i++]);
  if (i == args.size()) return split;
  bool is_run = args[i] == "run";
  split.leakwatch_args.push_back(args[i++]);
  if (!is_run) {
    split.leakwatch_args.insert(split.leakwatch_args.end(), args.begin() + i, args.end());
    return split;
  }
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (!arg.starts_with("-") || arg == "-") break;
    split.leakwatch_args.push_back(arg);
    ++i;
    bool consumes_next =
        std::find(value_flags.begin(), value_flags.end(), arg) != value_flags.end();
    if (consumes_next && i < args.size()) split.leakwatch_args.push_back(args[i++]);
  }
  split.command.assign(args.begin() + i, args.end());
  return split;
}

int leakwatch_main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const CliError& error) {
    if (error.bare()) {
      fmt::print(stderr, "{}: {}\n", kToolName, error.what());
    } else {
      fmt::print(stderr, "{}: error: {}\n", kToolName, error.what());
    }
    return error.exit_code();
  } catch (const StateFileError& error) {
    fmt::print(stderr, "{}: error: {}\n", kToolName, error.what());
    return kExitError;
  } catch (const std::exception& error) {
    fmt::print(stderr, "{}: error: {}\n", kToolName, error.what());
    return kExitError;
  }
}

}  // namespace leakwatch
