#include "api/http_server.h"

#include <mutex>

#include <cpprest/http_listener.h>
#include <cpprest/uri.h>
#include <pplx/threadpool.h>
#include <spdlog/spdlog.h>

namespace nimbus::api {

namespace http = web::http;
using http::experimental::listener::http_listener;

void init_http_threads(int threads) {
  static std::once_flag once;
  std::call_once(once, [threads] {
    crossplat::threadpool::initialize_with_threads(static_cast<std::size_t>(std::max(threads, 1)));
  });
}

struct http_server::impl {
  std::string host;
  int port;
  request_handler handler;
  std::unique_ptr<http_listener> listener;
};

namespace {

api_request to_api_request(const http::http_request& msg, const std::string& body) {
  api_request req;
  req.method = msg.method();
  auto uri = msg.relative_uri();
  for (auto& seg : web::uri::split_path(web::uri::decode(uri.path())))
    if (!seg.empty())
      req.path.push_back(seg);
  for (auto& [k, v] : web::uri::split_query(uri.query()))
    req.query.emplace(web::uri::decode(k), web::uri::decode(v));
  for (auto& [k, v] : msg.headers()) {
    std::string name = k;
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = v;
  }
  auto host = req.header("host");
  req.base_url = "http://" + (host.empty() ? std::string("localhost") : host);
  req.body = body;
  return req;
}

// A request that announces no body is complete as it arrives: handling it
// inline saves a task continuation (a hop to another pool thread).
bool without_body(const http::http_request& msg) {
  auto& h = msg.headers();
  return h.content_length() == 0 && !h.has(http::header_names::transfer_encoding);
}

void serve(const request_handler& handler, const http::http_request& msg, const std::string& body) {
  handler(to_api_request(msg, body), [msg](api_response resp) {
    http::http_response out(static_cast<http::status_code>(resp.status));
    for (auto& [k, v] : resp.headers)
      out.headers().add(k, v);
    if (!resp.body.empty())
      out.set_body(std::move(resp.body), "application/json");
    msg.reply(out).then([](pplx::task<void> t) {
      try {
        t.get();
      } catch (const std::exception& e) {
        spdlog::debug("http: reply failed: {}", e.what());
      }
    });
  });
}

} // namespace

http_server::http_server(std::string host, int port, request_handler handler)
  : impl_(std::make_unique<impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->handler = std::move(handler);
}

http_server::~http_server() {
  close();
}

bool http_server::open(std::string* error) {
  try {
    auto url = "http://" + impl_->host + ":" + std::to_string(impl_->port) + "/";
    impl_->listener = std::make_unique<http_listener>(url);
    auto* self = impl_.get();
    impl_->listener->support([self](http::http_request msg) {
      if (without_body(msg)) { // GET, DELETE, HEAD: nothing to wait for
        serve(self->handler, msg, {});
        return;
      }
      // Never wait for the body on a pool thread: reading it needs a pool
      // thread too, and with every thread waiting nothing reads (a deadlock
      // seen with 64 concurrent POSTs on 16 threads). Handle it once it is in.
      msg.extract_string(true).then([self, msg](pplx::task<std::string> body_task) {
        std::string body;
        try {
          body = body_task.get(); // ready: this continuation runs after the read
        } catch (const std::exception&) {
          body.clear(); // a body that is not text: the handler sees it as empty
        }
        serve(self->handler, msg, body);
      });
    });
    impl_->listener->open().wait();
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
    impl_->listener.reset();
    return false;
  }
}

void http_server::close() {
  if (!impl_->listener)
    return;
  try {
    impl_->listener->close().wait();
  } catch (const std::exception& e) {
    spdlog::debug("http: close failed: {}", e.what());
  }
  impl_->listener.reset();
}

} // namespace nimbus::api
