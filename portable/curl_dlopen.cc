// libcurl loaded at run time, for the portable (prebuilt) addon and CLI.
//
// The core calls the libcurl functions below directly (core/src/http/curl_client.cc). A portable
// build links this file instead of libcurl: each function resolves the real one from the system's
// libcurl on first use (dlopen "libcurl.so.4", then Debian's gnutls/nss flavours). Nothing else in
// the router needs HTTP, so a machine without libcurl loads the plugin and records usage normally;
// only an HTTP call (quotaSource "api") fails, with the error below instead of a load failure.
// Static libcurl would drag OpenSSL, nghttp2, libssh2, LDAP, Kerberos, ... into every binary.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>

namespace {

constexpr const char* kCandidates[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4",
                                       "libcurl.so"};
constexpr const char* kMissing =
    "libcurl not found (HTTP quota sources need the system libcurl, e.g. Debian/Ubuntu package "
    "libcurl4; the prebuilt router loads it at run time)";

struct Api {
  void* handle = nullptr;
  CURLcode (*global_init)(long) = nullptr;
  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  void (*free_fn)(void*) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  CURLU* (*url)() = nullptr;
  void (*url_cleanup)(CURLU*) = nullptr;
  CURLUcode (*url_get)(CURLU*, CURLUPart, char**, unsigned int) = nullptr;
  CURLUcode (*url_set)(CURLU*, CURLUPart, const char*, unsigned int) = nullptr;
  bool ok = false;
};

template <typename F>
bool Resolve(void* handle, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  return out != nullptr;
}

Api Load() {
  Api api;
  for (const char* name : kCandidates) {
    api.handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (api.handle) break;
  }
  if (!api.handle) return api;
  void* h = api.handle;
  api.ok = Resolve(h, "curl_global_init", api.global_init) &&
           Resolve(h, "curl_easy_init", api.easy_init) &&
           Resolve(h, "curl_easy_setopt", api.easy_setopt) &&
           Resolve(h, "curl_easy_perform", api.easy_perform) &&
           Resolve(h, "curl_easy_cleanup", api.easy_cleanup) &&
           Resolve(h, "curl_easy_getinfo", api.easy_getinfo) &&
           Resolve(h, "curl_easy_strerror", api.easy_strerror) &&
           Resolve(h, "curl_free", api.free_fn) &&
           Resolve(h, "curl_slist_append", api.slist_append) &&
           Resolve(h, "curl_slist_free_all", api.slist_free_all) &&
           Resolve(h, "curl_url", api.url) && Resolve(h, "curl_url_cleanup", api.url_cleanup) &&
           Resolve(h, "curl_url_get", api.url_get) && Resolve(h, "curl_url_set", api.url_set);
  return api;
}

const Api& Curl() {
  static const Api api = Load();  // thread-safe once (C++11 static initialization)
  return api;
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  return Curl().ok ? Curl().global_init(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init(void) { return Curl().ok ? Curl().easy_init() : nullptr; }

CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  if (!Curl().ok) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  // The argument's type follows from the option number (curl.h: CURLOPTTYPE_*).
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = Curl().easy_setopt(curl, option, va_arg(ap, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    rc = Curl().easy_setopt(curl, option, va_arg(ap, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    rc = Curl().easy_setopt(curl, option, va_arg(ap, void (*)(void)));
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = Curl().easy_setopt(curl, option, va_arg(ap, curl_off_t));
  } else {
    rc = Curl().easy_setopt(curl, option, va_arg(ap, void*));
  }
  va_end(ap);
  return rc;
}

CURLcode curl_easy_perform(CURL* curl) {
  return Curl().ok ? Curl().easy_perform(curl) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL* curl) {
  if (Curl().ok && curl) Curl().easy_cleanup(curl);
}

CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  if (!Curl().ok) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, info);
  void* out = va_arg(ap, void*);  // every CURLINFO takes a pointer to the result
  va_end(ap);
  return Curl().easy_getinfo(curl, info, out);
}

const char* curl_easy_strerror(CURLcode code) {
  return Curl().ok ? Curl().easy_strerror(code) : kMissing;
}

void curl_free(void* p) {
  if (Curl().ok) Curl().free_fn(p);
}

curl_slist* curl_slist_append(curl_slist* list, const char* data) {
  return Curl().ok ? Curl().slist_append(list, data) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  if (Curl().ok) Curl().slist_free_all(list);
}

CURLU* curl_url(void) { return Curl().ok ? Curl().url() : nullptr; }

void curl_url_cleanup(CURLU* handle) {
  if (Curl().ok) Curl().url_cleanup(handle);
}

CURLUcode curl_url_get(CURLU* handle, CURLUPart what, char** part, unsigned int flags) {
  return Curl().ok ? Curl().url_get(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_set(CURLU* handle, CURLUPart what, const char* part, unsigned int flags) {
  return Curl().ok ? Curl().url_set(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

}  // extern "C"
