// openclaw-router: the `openclaw router` commands straight on the ledger and OpenClaw's config,
// in milliseconds, for scripts and status bars. Runs the same core commands as the plugin, so
// `--json` output is identical.

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "router/classify/classifier.h"
#include "router/classify/jsonl.h"
#include "router/commands/dispatch.h"
#include "router/config/openclaw_file.h"
#include "router/optimize/changes.h"
#include "router/optimize/config_file.h"
#include "router/report/text.h"
#include "router/runtime/runtime.h"

namespace {

using nlohmann::json;

constexpr const char* kUsage = R"(usage: openclaw-router <command> [arguments] [options]

commands (the same as `openclaw router …`):
  status [provider]                 quota windows, daily budget, usage and cost
  status --html <file>              the Control UI's Router page as one self-contained HTML
                                    file (rendered by the plugin's ui/write_html.js: needs node)
  providers                         configured providers and providers seen in the ledger
  credentials                       where each provider's key comes from, as fingerprints
  set-usage <provider> <value>      sync a window by hand: 79%, 1.2M, 500k or $3.50
  reset <provider>                  count usage from now on
  mode [manual|dry-run|auto]        show or set how optimizations apply
  undo                              revert the newest set-usage, reset, mode change or
                                    applied optimization (openclaw.json keys restored)
  analyze                           what each agent, cron job and the heartbeat costs, and
                                    findings with a monthly saving
  optimize [--apply]                the plan (mode dry-run/auto); --apply writes its config
                                    changes to openclaw.json (cron jobs need the gateway)
  shift <provider> [--to X] [--until reset|<n>h|<n>m|<n>s|<epoch ms>] [--dry-run]
                                    move every agent off a provider (writes openclaw.json)
  predict [provider]                when each quota window will run out, with confidence
  route <prompt | ->                which model would serve this prompt, and why (no model
                                    is called; "-" reads the prompt from stdin)
  report                            the shadow policy (routing.shadow) against the real
                                    decisions of the last 7 days
  fetch [provider] [--snapshot F]   provider-reported usage and balances now: OpenClaw's
                                    snapshot from F (`openclaw gateway call usage.status
                                    --json`), DeepSeek/Moonshot with $<PROVIDER>_API_KEY
  detect-local [--write]            local model servers (Ollama, LM Studio, vLLM, llama.cpp,
                                    MLX) on their default ports and configured endpoints;
                                    --write adds their models to the plugin config (undo-able)
  classify                          JSONL on stdin ({"text": ...} per line) -> one JSON
                                    result per line: class, confidence, scores, signals

options:
  --json               print the command's JSON (router.<command>/1)
  --window <name>      the window for set-usage and reset
  --hours <n>          predict: the forecast horizon (default predictionHorizonHours)
  --model <ref>        route: the selected model (default router/auto)
  --agent <id>         route: the agent the turn belongs to
  --session <key>      route: the session the turn continues (a warm cache keeps its model)
  --attachments <n>    route: images or files attached to the turn
  --context-chars <n>  route: characters of context before the prompt (default: ledger)
  --apply / --dry-run  optimize: write the plan / shift: only show it
  --write              detect-local: add the models found to the plugin config
  --actions <a1,a2>    optimize --apply: only these actions
  --to, --until        shift: the destination and when it ends
  --days <n>           analyze, optimize: days of history (default 30)
  --state-dir <dir>    OpenClaw state dir (default: $OPENCLAW_STATE_DIR, else ~/.openclaw)
  --config <file>      OpenClaw config (default: $OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json)
  -h, --help
)";

struct Args {
  std::vector<std::string> positional;
  bool help = false;
  bool json = false;
  std::string window;
  std::string hours;
  std::string model;
  std::string agent;
  std::string session;
  std::string attachments;
  std::string context_chars;
  std::string state_dir;
  std::string config_path;
  bool apply = false;
  bool dry_run = false;
  bool write = false;
  std::string actions;
  std::string to;
  std::string until;
  std::string days;
  std::string snapshot;
  std::string html;
};

int Fail(const std::string& message, int code = 1) {
  std::cerr << "model-router: " << message << "\n";
  return code;
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// OpenClaw's default: $OPENCLAW_STATE_DIR, else ~/.openclaw with ~ from $OPENCLAW_HOME or $HOME.
std::string DefaultStateDir() {
  if (!Env("OPENCLAW_STATE_DIR").empty()) return Env("OPENCLAW_STATE_DIR");
  const std::string home = !Env("OPENCLAW_HOME").empty() ? Env("OPENCLAW_HOME") : Env("HOME");
  return home + "/.openclaw";
}

// One JSON line per input line (router::classify::ClassifyJsonLine); a bad line gets
// {"line", "error"} and a non-zero exit once all lines are done.
int ClassifyLines(std::istream& in, std::ostream& out) {
  const auto& classifier = router::classify::Classifier::Builtin();
  std::string line;
  int line_number = 0;
  int failures = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const auto result = router::classify::ClassifyJsonLine(classifier, line, line_number);
    if (!result) continue;
    if (!result->ok) ++failures;
    out << result->output << "\n";
  }
  if (failures > 0)
    std::cerr << "model-router: " << failures << " of " << line_number
              << " lines were not valid input\n";
  return failures > 0 ? 1 : 0;
}

// fetch's inputs outside OpenClaw: its usage snapshot from a file, and API keys for the own
// adapters from $DEEPSEEK_API_KEY / $MOONSHOT_API_KEY (OpenClaw's names for them). The keys stay
// in the command's arguments: never printed.
router::Status FetchInputs(const std::string& snapshot_file, json& cmd) {
  if (!snapshot_file.empty()) {
    std::ifstream file(snapshot_file);
    if (!file) return router::Status::InvalidArgument("--snapshot: cannot read " + snapshot_file);
    cmd["snapshot"] = json::parse(file, nullptr, false);
    if (cmd["snapshot"].is_discarded())
      return router::Status::InvalidArgument("--snapshot: " + snapshot_file + " is not JSON");
  } else {
    cmd["snapshotError"] = "not read (the native CLI needs --snapshot)";
  }
  for (const auto& [id, var] : {std::pair<const char*, const char*>{"deepseek", "DEEPSEEK_API_KEY"},
                                {"moonshot", "MOONSHOT_API_KEY"}}) {
    if (!Env(var).empty()) cmd["keys"][id] = Env(var);
  }
  return router::Status::Ok();
}

router::Result<Args> ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) -> router::Status {
      if (i + 1 >= argc) return router::Status::InvalidArgument(arg + " needs a value");
      out = argv[++i];
      return router::Status::Ok();
    };
    if (arg == "--json") {
      args.json = true;
    } else if (arg == "-h" || arg == "--help") {
      args.help = true;
    } else if (arg == "--apply") {
      args.apply = true;
    } else if (arg == "--dry-run") {
      args.dry_run = true;
    } else if (arg == "--write") {
      args.write = true;
    } else if (arg == "--actions") {
      ROUTER_RETURN_IF_ERROR(value(args.actions));
    } else if (arg == "--to") {
      ROUTER_RETURN_IF_ERROR(value(args.to));
    } else if (arg == "--until") {
      ROUTER_RETURN_IF_ERROR(value(args.until));
    } else if (arg == "--snapshot") {
      ROUTER_RETURN_IF_ERROR(value(args.snapshot));
    } else if (arg == "--days") {
      ROUTER_RETURN_IF_ERROR(value(args.days));
    } else if (arg == "--html") {
      ROUTER_RETURN_IF_ERROR(value(args.html));
    } else if (arg == "--window") {
      ROUTER_RETURN_IF_ERROR(value(args.window));
    } else if (arg == "--state-dir") {
      ROUTER_RETURN_IF_ERROR(value(args.state_dir));
    } else if (arg == "--config") {
      ROUTER_RETURN_IF_ERROR(value(args.config_path));
    } else if (arg == "--hours") {
      ROUTER_RETURN_IF_ERROR(value(args.hours));
    } else if (arg == "--model") {
      ROUTER_RETURN_IF_ERROR(value(args.model));
    } else if (arg == "--agent") {
      ROUTER_RETURN_IF_ERROR(value(args.agent));
    } else if (arg == "--session") {
      ROUTER_RETURN_IF_ERROR(value(args.session));
    } else if (arg == "--attachments") {
      ROUTER_RETURN_IF_ERROR(value(args.attachments));
    } else if (arg == "--context-chars") {
      ROUTER_RETURN_IF_ERROR(value(args.context_chars));
    } else if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      return router::Status::InvalidArgument("unknown option " + arg + "; see --help");
    } else {
      args.positional.push_back(arg);
    }
  }
  return args;
}

// Command-line words -> the dispatcher's (name, args).
router::Result<std::pair<std::string, json>> ToCommand(const Args& args) {
  const auto& p = args.positional;
  const std::string& name = p.front();
  auto arity = [&](size_t min, size_t max, const char* usage) -> router::Status {
    if (p.size() - 1 < min || p.size() - 1 > max) {
      return router::Status::InvalidArgument(std::string("usage: openclaw-router ") + usage);
    }
    return router::Status::Ok();
  };
  json cmd = json::object();
  if (name == "status" && !args.html.empty()) {
    ROUTER_RETURN_IF_ERROR(arity(0, 0, "status --html <file>"));
    return std::make_pair(std::string("page"), cmd);  // the page's document, rendered below
  }
  if (!args.html.empty()) return router::Status::InvalidArgument("--html applies to status only");
  if (name == "status") {
    ROUTER_RETURN_IF_ERROR(arity(0, 1, "status [provider] [--json] [--html FILE]"));
    if (p.size() > 1) cmd["provider"] = p[1];
  } else if (name == "analyze" || name == "optimize") {
    ROUTER_RETURN_IF_ERROR(arity(0, 0, (name + " [--days N] [--apply] [--json]").c_str()));
    if (!args.days.empty()) cmd["days"] = json::parse(args.days, nullptr, false);
    if (name == "optimize") cmd["apply"] = args.apply;
    if (!args.actions.empty()) {
      cmd["actions"] = json::array();
      std::stringstream ids(args.actions);
      for (std::string id; std::getline(ids, id, ',');) cmd["actions"].push_back(id);
    }
  } else if (name == "shift") {
    ROUTER_RETURN_IF_ERROR(arity(1, 1, "shift <provider> [--to X] [--until T] [--dry-run]"));
    cmd = {{"provider", p[1]}, {"apply", !args.dry_run}};
    if (!args.to.empty()) cmd["to"] = args.to;
    if (!args.until.empty()) cmd["until"] = args.until;
  } else if (name == "fetch") {
    ROUTER_RETURN_IF_ERROR(arity(0, 1, "fetch [provider] [--snapshot FILE] [--json]"));
    if (p.size() > 1) cmd["provider"] = p[1];
    ROUTER_RETURN_IF_ERROR(FetchInputs(args.snapshot, cmd));
  } else if (name == "credentials") {
    ROUTER_RETURN_IF_ERROR(arity(0, 0, "credentials [--json]"));
    cmd = {
        {"openclaw",
         {{"profilesRead", false},
          {"profilesNote", "only the plugin can read them: run `openclaw router credentials`"}}}};
  } else if (name == "detect-local") {
    ROUTER_RETURN_IF_ERROR(arity(0, 0, "detect-local [--write] [--json]"));
    cmd["write"] = args.write;
  } else if (name == "providers" || name == "undo" || name == "report") {
    ROUTER_RETURN_IF_ERROR(arity(0, 0, (name + " [--json]").c_str()));
  } else if (name == "set-usage") {
    ROUTER_RETURN_IF_ERROR(
        arity(2, 2, "set-usage <provider> <79% | 1.2M | $3.50> [--window NAME] [--json]"));
    cmd = {{"provider", p[1]}, {"value", p[2]}};
  } else if (name == "reset") {
    ROUTER_RETURN_IF_ERROR(arity(1, 1, "reset <provider> [--window NAME] [--json]"));
    cmd = {{"provider", p[1]}};
  } else if (name == "mode") {
    ROUTER_RETURN_IF_ERROR(arity(0, 1, "mode [manual|dry-run|auto] [--json]"));
    if (p.size() > 1) cmd["mode"] = p[1];
  } else if (name == "predict") {
    ROUTER_RETURN_IF_ERROR(arity(0, 1, "predict [provider] [--hours N] [--json]"));
    if (p.size() > 1) cmd["provider"] = p[1];
  } else if (name == "route") {
    ROUTER_RETURN_IF_ERROR(arity(1, 1,
                                 "route <prompt | -> [--model REF] [--agent ID] [--session KEY] "
                                 "[--attachments N] [--context-chars N] [--json]"));
    std::string prompt = p[1];
    if (prompt == "-") {
      std::stringstream text;
      text << std::cin.rdbuf();
      prompt = text.str();
    }
    cmd = {{"prompt", prompt}};
    if (!args.model.empty()) cmd["model"] = args.model;
    if (!args.agent.empty()) cmd["agent"] = args.agent;
    if (!args.session.empty()) cmd["session"] = args.session;
    for (const auto& [flag, key, text] :
         {std::tuple<const char*, const char*, const std::string&>{"--attachments", "attachments",
                                                                   args.attachments},
          {"--context-chars", "contextChars", args.context_chars}}) {
      if (text.empty()) continue;
      const json number = json::parse(text, nullptr, false);
      if (!number.is_number_unsigned()) {
        return router::Status::InvalidArgument(std::string(flag) +
                                               " must be a whole number, got \"" + text + "\"");
      }
      cmd[key] = number;
    }
  } else {
    return router::Status::InvalidArgument("unknown command \"" + name + "\"; see --help");
  }
  if (!args.hours.empty()) {
    if (name != "predict")
      return router::Status::InvalidArgument("--hours applies to predict only");
    const json number = json::parse(args.hours, nullptr, false);
    if (!number.is_number_unsigned()) {
      return router::Status::InvalidArgument("--hours must be a whole number, got \"" + args.hours +
                                             "\"");
    }
    cmd["hours"] = number;
  }
  if (name != "route" && (!args.model.empty() || !args.agent.empty() || !args.session.empty() ||
                          !args.attachments.empty() || !args.context_chars.empty())) {
    return router::Status::InvalidArgument(
        "--model, --agent, --session, --attachments and --context-chars apply to route only");
  }
  if (args.write && name != "detect-local") {
    return router::Status::InvalidArgument("--write applies to detect-local only");
  }
  if (!args.window.empty()) {
    if (name != "set-usage" && name != "reset") {
      return router::Status::InvalidArgument("--window applies to set-usage and reset only");
    }
    cmd["window"] = args.window;
  }
  return std::make_pair(name, cmd);
}

// The optimizer's commands get openclaw.json as it is and write the changes they return: the
// event is recorded first, so a write that fails is undone in the ledger again (its keys are
// still at their old values, so that undo restores nothing).
router::Result<json> RunAndWrite(router::runtime::Runtime& runtime, const std::string& name,
                                 json cmd, const std::string& config_path) {
  auto config = router::optimize::ReadConfigFile(config_path);
  if (!config.ok()) return config.status();
  cmd["config"] = config.value();
  auto result = runtime.Run(name, cmd);
  if (!result.ok()) return result;
  const json* changes = nullptr;
  if (result->contains("applied")) changes = &result->at("applied").at("changes");
  if (result->contains("changes")) changes = &result->at("changes");  // undo, revert-due
  if (changes == nullptr || changes->empty()) return result;
  auto parsed = router::optimize::ChangesFromJson(*changes, "changes");
  if (!parsed.ok()) return parsed.status();
  auto next = router::optimize::Apply(config.value(), parsed.value());
  router::Status written = next.status();
  if (next.ok()) written = router::optimize::WriteConfigFile(config_path, next.value());
  if (written.ok()) return result;
  if (name == "optimize" || name == "shift" || name == "detect-local") {
    (void)runtime.Run("undo", {{"config", config.value()}});
  }
  return written;
}

router::Result<json> RunWithConfig(router::runtime::Runtime& runtime, const std::string& name,
                                   const json& cmd, const std::string& config_path) {
  if (name != "analyze" && name != "optimize" && name != "shift" && name != "undo" &&
      name != "detect-local") {
    return runtime.Run(name, cmd);
  }
  // Shifts whose time is up move back first, so the command sees the config as it should be.
  if (name != "undo") {
    auto reverted = RunAndWrite(runtime, "revert-due", json::object(), config_path);
    if (!reverted.ok()) return reverted.status();
    for (const json& refused : reverted->at("refused")) {
      std::cerr << "model-router: expired shift not moved back: "
                << refused.at("message").get<std::string>() << "\n";
    }
  }
  return RunAndWrite(runtime, name, cmd, config_path);
}

// The plugin's root: the binary is build/Release/openclaw-router in a source build and
// prebuilds/<platform>/openclaw-router in the package, two levels below it either way.
std::string PluginRoot() {
  char exe[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return ".";
  std::string dir(exe, static_cast<size_t>(n));
  for (int up = 0; up < 3; ++up) dir = dir.substr(0, dir.find_last_of('/'));
  return dir;
}

// `status --html FILE`: the page document piped to the plugin's own renderer, run by node (which
// every OpenClaw install has; $ROUTER_NODE overrides), so the file is the page the plugin writes.
int WriteHtml(const json& page, const std::string& file) {
  const std::string script = PluginRoot() + "/ui/write_html.js";
  std::string node = Env("ROUTER_NODE");
  if (node.empty()) node = "node";
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return Fail(std::string("--html: pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  std::vector<char*> spawn_args{node.data(), const_cast<char*>(script.c_str()),
                                const_cast<char*>(file.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned =
      posix_spawnp(&pid, node.c_str(), &actions, nullptr, spawn_args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[0]);
  if (spawned != 0) {
    close(pipe_fds[1]);
    return Fail("--html needs Node.js to run " + script + ": cannot run " + node + " (" +
                std::strerror(spawned) +
                "); set ROUTER_NODE or use `openclaw router status --html`");
  }
  std::signal(SIGPIPE, SIG_IGN);  // a renderer that exits early is reported by its status
  const std::string text = page.dump();
  for (size_t done = 0; done < text.size();) {
    const ssize_t wrote = write(pipe_fds[1], text.data() + done, text.size() - done);
    if (wrote <= 0) break;
    done += static_cast<size_t>(wrote);
  }
  close(pipe_fds[1]);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return Fail("--html: lost the renderer process");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int Main(int argc, char** argv) {
  auto args = ParseArgs(argc, argv);
  if (!args.ok()) return Fail(args.status().message(), 2);
  if (args->help || (!args->positional.empty() && args->positional.front() == "help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args->positional.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (args->positional.front() == "classify") {
    if (args->positional.size() != 1)
      return Fail("usage: openclaw-router classify < prompts.jsonl", 2);
    return ClassifyLines(std::cin, std::cout);
  }
  auto command = ToCommand(args.value());
  if (!command.ok()) return Fail(command.status().message(), 2);

  const std::string state_dir = args->state_dir.empty() ? DefaultStateDir() : args->state_dir;
  std::string config_path = args->config_path;
  if (config_path.empty()) config_path = Env("OPENCLAW_CONFIG_PATH");
  if (config_path.empty()) config_path = state_dir + "/openclaw.json";
  auto openclaw = router::config::ReadOpenClawConfig(config_path, router::config::ProcessEnv());
  if (!openclaw.ok()) return Fail(openclaw.status().message());
  if (command->first == "credentials") command->second["stateDir"] = state_dir;
  router::runtime::Environment env;
  env.state_dir = state_dir;
  auto runtime = router::runtime::Runtime::Open({openclaw->plugin, openclaw->models}, env);
  if (!runtime.ok()) return Fail(runtime.status().message());
  auto result = RunWithConfig(*runtime.value(), command->first, command->second, config_path);
  if (!result.ok()) return Fail(result.status().message());
  if (!args->html.empty()) return WriteHtml(result.value(), args->html);
  if (args->json) {
    std::cout << router::commands::ToText(result.value());
  } else {
    std::cout << router::report::Render(result.value(), runtime.value()->options().timezone);
  }
  return 0;
}

}  // namespace

// The core returns errors as values; this is the last line of defence, so a fault left in a
// third-party call ends in a message and exit code 1, never in abort().
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    return Fail(std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail("internal error");
  }
}
