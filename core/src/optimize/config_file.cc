#include "router/optimize/config_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "router/config/json5.h"

namespace router::optimize {

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::Io(what + " " + path + ": " + std::strerror(errno) +
                    "; openclaw.json was left as it was");
}

// Writes all of `text` to `path` and flushes it to disk.
Status WriteSynced(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", path);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status st = Errno("cannot write", path);
      ::close(fd);
      return st;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status st = Errno("cannot flush", path);
    ::close(fd);
    return st;
  }
  if (::close(fd) != 0) return Errno("cannot close", path);
  return Status::Ok();
}

}  // namespace

Result<nlohmann::json> ReadConfigFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) return nlohmann::json::object();
  // An unreadable file is not a missing one: planning over {} would write a config without
  // the user's keys.
  if (ec) return Status::Io("cannot read " + path + ": " + ec.message());
  if (!std::filesystem::is_regular_file(status)) {
    return Status::Io("cannot read " + path + ": not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Errno("cannot read", path);
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::Io("cannot read " + path + ": " + std::strerror(errno));
  auto parsed = config::ParseJson5(text.str());
  if (!parsed.ok()) return Status::InvalidArgument(path + ": " + parsed.status().message());
  if (!parsed->is_object()) return Status::InvalidArgument(path + ": the config must be an object");
  return parsed;
}

Status WriteConfigFile(const std::string& path, const nlohmann::json& config) {
  // An undo that returns the file to what it was before the last write gets its bytes back
  // (comments, key order, formatting), not a re-serialization.
  std::string text = config.dump(2) + "\n";
  const std::string backup = path + ".router-bak";
  if (auto before = ReadConfigFile(backup); before.ok() && before.value() == config) {
    std::ifstream in(backup, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (in) text = bytes.str();
  }
  const std::string temp = path + ".router-tmp-" + std::to_string(::getpid());
  ROUTER_RETURN_IF_ERROR(WriteSynced(temp, text));
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::filesystem::copy_file(path, backup, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
      std::filesystem::remove(temp, ec);
      return Status::Io("cannot back up " + path + ": " + ec.message() +
                        "; openclaw.json was left as it was");
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Status st = Errno("cannot replace", path);
    std::filesystem::remove(temp, ec);
    return st;
  }
  return Status::Ok();
}

}  // namespace router::optimize
