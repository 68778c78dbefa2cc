// detect-local's probes over real libcurl on loopback: 5 ports with nothing listening (target
// <= 1 s), and the same with one port that accepts connections and never answers (bounded by
// the detection budget, as every request gets only what is left of it).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "latency.h"
#include "router/http/curl_client.h"
#include "router/local/detect.h"

namespace {

// A loopback socket bound to a free port; listening (connections queue, nothing answers) or
// closed again (connections are refused).
struct Port {
  int fd = -1;
  int number = 0;
};

Port OpenPort(bool listen_on_it) {
  Port p;
  p.fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(p.fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      getsockname(p.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("bind");
    std::exit(2);
  }
  p.number = ntohs(addr.sin_port);
  if (listen_on_it) {
    listen(p.fd, 16);
  } else {
    close(p.fd);
    p.fd = -1;
  }
  return p;
}

std::vector<router::local::Endpoint> Endpoints(const std::vector<Port>& ports) {
  const char* types[] = {router::local::kOllama, router::local::kLmStudio, router::local::kVllm,
                         router::local::kLlamaCppOrMlx, router::local::kOpenAiCompatible};
  std::vector<router::local::Endpoint> out;
  for (size_t i = 0; i < ports.size(); ++i) {
    out.push_back({"http://127.0.0.1:" + std::to_string(ports[i].number), types[i % 5], ""});
  }
  return out;
}

double MedianMs(router::http::Client& client, const std::vector<router::local::Endpoint>& eps,
                int runs, double* worst) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto servers = router::local::Detect(client, eps);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    for (const auto& s : servers) {
      if (s.found) std::fprintf(stderr, "unexpected server at %s\n", s.endpoint.base_url.c_str());
    }
  }
  *worst = router::bench::Quantile(ms, 1.0);
  return router::bench::Quantile(ms, 0.5);
}

}  // namespace

int main() {
  router::http::CurlClient client;
  std::vector<Port> closed;
  for (int i = 0; i < 5; ++i) closed.push_back(OpenPort(false));
  double worst = 0;
  const double median = MedianMs(client, Endpoints(closed), 20, &worst);
  std::printf(
      "detect-local over 5 ports with nothing listening: median %.1f ms, worst %.1f ms "
      "of 20 runs (target <= 1000 ms; %d requests in flight at most)\n",
      median, worst, router::http::CurlClient::MaxInFlight());

  std::vector<Port> hanging = closed;
  hanging[0] = OpenPort(true);  // accepts, never answers
  double hang_worst = 0;
  const double hang_median = MedianMs(client, Endpoints(hanging), 3, &hang_worst);
  std::printf(
      "... with one port that never answers: median %.1f ms, worst %.1f ms of 3 runs "
      "(budget %lld ms)\n",
      hang_median, hang_worst, static_cast<long long>(router::local::ProbeOptions{}.budget_ms));
  close(hanging[0].fd);
  return worst <= 1000 && hang_worst <= 1000 ? 0 : 1;
}
