#pragma once
// credentials: where each provider's and account's key would come from and whether it is there,
// redacted to fingerprints (router/credentials/sources.h):
//   {schema:"router.credentials/1", generatedAtMs,
//    dotenv:{path, present, error?}, profiles:{read, note?},
//    providers:[{provider, account, openclawProvider, local, present, source, sourceName,
//      fingerprint, sources:[{kind, name, present, fingerprint, used, shadowed, note}]}]}
// account, source, sourceName and fingerprint are null when not applicable. Arguments (all
// optional): stateDir (the .env beside OpenClaw's config), and what the plugin's JS side read from
// OpenClaw, secret-free: openclaw:{config:{<provider>:{kind, envVar?, ref?, fingerprint?}},
// profiles:{<provider>:[{id, type, fingerprint?}]}, profilesRead, profilesNote?}.

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

[[nodiscard]] Result<nlohmann::json> Credentials(const Context& ctx, const nlohmann::json& args);

}  // namespace router::commands
