#include "api/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "api/faults.h"
#include "api/file_slice_body.h"
#include "api/request_target.h"

namespace nimbus::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

struct http_server::impl : std::enable_shared_from_this<impl> {
  std::string host;
  int port = 0;
  http_limits limits;
  request_handler handler;
  spool_policy spool;
  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> retry; // after a failed accept (out of files)
  std::vector<std::thread> threads;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> stopping{false};

  void accept();
};

namespace {

// One client connection: reads a request, hands it to the handler, writes
// the answer, and reads the next while the client keeps the connection.
// Every step runs on the connection's strand; the handler's reply may come
// from any thread and is posted there.
class session : public std::enable_shared_from_this<session> {
public:
  session(std::shared_ptr<http_server::impl> server, tcp::socket socket)
      : server_(std::move(server)), stream_(std::move(socket)) {
    ++server_->open_connections;
  }
  ~session() {
    drop_spool();
    --server_->open_connections;
  }

  void start() { read_header(server_->limits.client_timeout); }

private:
  const http_limits& limits() const { return server_->limits; }

  void read_header(std::chrono::seconds limit) {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().max_header_size));
    // With spooling, the limit is chosen once the head is read (Beast checks
    // a Content-Length against it as it reads the head). Not boost::none:
    // Beast 1.74 compares a length with it as with a limit of 0.
    if (server_->spool)
      parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    else
      parser_->body_limit(limits().max_request_body_size);
    stream_.expires_after(limit);
    http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (ec)
      return refuse_or_close(ec);
    if (parser_->is_done())
      return dispatch();
    // Read before spool_to, which moves the parser (and the message) away.
    auto version = parser_->get().version();
    bool expects_continue =
      version >= 11 && beast::iequals(parser_->get()[http::field::expect], "100-continue");
    try {
      if (server_->spool && !spool_to(head_of(parser_->get())))
        return;
    } catch (const std::exception& e) { // building the head failed (out of memory, ...)
      spdlog::error("http: cannot take a request: {}", e.what());
      return close();
    }
    if (server_->spool && !file_parser_ && !limit_body(limits().max_request_body_size, nullptr))
      return;
    if (expects_continue) {
      auto cont =
        std::make_shared<http::response<http::empty_body>>(http::status::continue_, version);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](error_code ec, std::size_t) {
                          if (ec)
                            return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  // Moves the body's parsing to a file parser if the policy says so.
  // False when the request was answered (the file cannot be made).
  bool spool_to(const api_request& head) {
    auto spool = server_->spool(head);
    if (!spool)
      return true;
    file_parser_.emplace(std::move(*parser_));
    parser_.reset();
    file_parser_->body_limit(spool->limit);
    error_code ec;
    file_parser_->get().body().open(spool->path.c_str(), beast::file_mode::write_new, ec);
    if (ec) {
      spdlog::error("http: cannot spool a request body to {}: {}", spool->path, ec.message());
      file_parser_.reset();
      refuse(fault_response(500, "The request body cannot be stored."));
      return false;
    }
    spool_path_ = spool->path;
    spool_over_limit_ = std::move(spool->over_limit);
    return limit_body(spool->limit, &spool_over_limit_);
  }

  // Holds the body being read to `limit` bytes: a Content-Length past it is
  // refused at once (with `over`, or Nova's 413), a chunked body once it
  // grows past it. False when refused.
  bool limit_body(std::uint64_t limit, api_response* over) {
    auto length = file_parser_ ? file_parser_->content_length() : parser_->content_length();
    if (length && *length > limit) {
      drop_spool();
      refuse(over ? std::move(*over) : fault_response(413, "Request is too large."));
      return false;
    }
    if (file_parser_)
      file_parser_->body_limit(limit);
    else
      parser_->body_limit(limit);
    return true;
  }

  void read_body() {
    if (file_parser_)
      return read_spooled();
    stream_.expires_after(limits().client_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (ec)
                         return self->refuse_or_close(ec);
                       self->dispatch();
                     });
  }

  // A spooled body arrives piece by piece; the client_timeout is per piece.
  void read_spooled() {
    stream_.expires_after(limits().client_timeout);
    http::async_read_some(stream_, buffer_, *file_parser_,
                          [self = shared_from_this()](error_code ec, std::size_t) {
                            if (ec) {
                              self->drop_spool();
                              if (ec == http::error::body_limit)
                                return self->refuse(std::move(self->spool_over_limit_));
                              return self->refuse_or_close(ec);
                            }
                            if (self->file_parser_->is_done())
                              return self->dispatch();
                            self->read_spooled();
                          });
  }

  void drop_spool() {
    if (spool_path_.empty())
      return;
    if (file_parser_) {
      error_code ignored;
      file_parser_->get().body().file().close(ignored);
    }
    ::unlink(spool_path_.c_str());
    spool_path_.clear();
  }

  // A request that cannot be read: the limits and malformed requests get
  // an answer in Nova's format; a client that went away or stalled does not.
  void refuse_or_close(error_code ec) {
    if (ec == http::error::body_limit)
      return refuse(fault_response(413, "Request is too large."));
    if (ec == http::error::header_limit)
      return refuse(fault_response(400, "Request header fields are too large."));
    bool malformed = ec.category() == http::make_error_code(http::error::bad_target).category()
                     && ec != http::error::end_of_stream && ec != http::error::partial_message;
    if (malformed)
      return refuse(fault_response(400, "Malformed HTTP request."));
    close();
  }

  void refuse(api_response resp) {
    keep_alive_ = false;
    head_ = false;
    refused_ = true;
    version_ = 11;
    write(std::move(resp));
  }

  // After refusing a request whose body may still be on its way: stop
  // sending, and read (and drop) what comes for a moment before closing.
  // Closing at once with unread data makes the kernel send a reset, which
  // can destroy the answer before the client has read it.
  void linger() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > (std::size_t{1} << 20))
                                return self->close();
                              self->drain();
                            });
  }

  void dispatch() {
    try {
      dispatch_request();
    } catch (const std::exception& e) { // building the request failed (out of memory, ...)
      spdlog::error("http: cannot take a request: {}", e.what());
      close();
    }
  }

  // What the handler sees of a request but its body.
  template <class Header>
  static api_request head_of(const Header& msg) {
    api_request req;
    req.method = std::string(msg.method_string());
    auto raw_target = msg.target();
    auto target = parse_request_target({raw_target.data(), raw_target.size()});
    req.path = std::move(target.path);
    req.query = std::move(target.query);
    req.trailing_slash = target.trailing_slash;
    for (auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      req.headers[name] = std::string(field.value());
    }
    auto host = req.header("host");
    req.base_url = "http://" + (host.empty() ? std::string("localhost") : host);
    return req;
  }

  void dispatch_request() {
    api_request req;
    if (file_parser_) {
      auto msg = file_parser_->release();
      file_parser_.reset();
      msg.body().close();
      keep_alive_ = msg.keep_alive();
      version_ = msg.version();
      head_ = false;
      req = head_of(msg);
      req.body_file = spool_path_;
    } else {
      auto msg = parser_->release();
      keep_alive_ = msg.keep_alive();
      version_ = msg.version();
      head_ = msg.method() == http::verb::head;
      req = head_of(msg);
      req.body = std::move(msg.body());
    }
    auto replied = std::make_shared<std::atomic<bool>>(false);
    auto self = shared_from_this();
    auto reply = [self, replied](api_response resp) {
      if (replied->exchange(true))
        return;
      net::post(self->stream_.get_executor(), [self, resp = std::move(resp)]() mutable {
        self->deadline_.cancel();
        self->drop_spool(); // what the handler did not adopt
        self->write(std::move(resp));
      });
    };
    // A handler that never answers (a lost reply inside) must not pin the
    // connection: past request_timeout the client gets a 503.
    auto number = ++request_no_;
    deadline_.expires_after(limits().request_timeout);
    deadline_.async_wait([self, number, reply](error_code ec) {
      if (ec || number != self->request_no_)
        return;
      spdlog::error("http: a request got no answer within {} s",
                    self->limits().request_timeout.count());
      reply(fault_response(503, "The request was not answered in time."));
    });
    try {
      server_->handler(std::move(req), reply);
    } catch (const std::exception& e) {
      spdlog::error("http: handler failed: {}", e.what());
      reply(fault_response(500, "Unexpected API Error."));
    }
  }

  void write(api_response resp) {
    if (resp.file)
      return write_file(std::move(resp));
    auto out = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(resp.status), version_);
    try {
      for (auto& [k, v] : resp.headers)
        out->set(k, v);
      bool bodiless = resp.status == 204 || resp.status == 304 || resp.status < 200;
      if (!resp.body.empty() && !bodiless) {
        if (!resp.headers.count("content-type"))
          out->set(http::field::content_type, "application/json");
        if (!head_)
          out->body() = std::move(resp.body);
      }
      out->keep_alive(keep_alive_);
      out->prepare_payload();
    } catch (const std::exception& e) { // nothing may escape into Asio's threads
      spdlog::error("http: cannot write a {} response: {}", resp.status, e.what());
      return close();
    }
    stream_.expires_after(limits().client_timeout); // a client that does not read
    http::async_write(stream_, *out, [self = shared_from_this(), out](error_code ec, std::size_t) {
      if (!ec && self->refused_)
        return self->linger();
      if (ec || !out->keep_alive())
        return self->close();
      self->read_header(self->limits().keepalive_timeout);
    });
  }

  // A file response (an image download): streamed from the file, the
  // client_timeout applying to each piece written.
  void write_file(api_response resp) {
    using file_response = http::response<file_slice_body>;
    auto out = std::make_shared<file_response>(static_cast<http::status>(resp.status), version_);
    error_code ec;
    out->body().file.open(resp.file->path.c_str(), beast::file_mode::scan, ec);
    if (ec) { // gone since the handler looked (deleted meanwhile)
      spdlog::warn("http: cannot open {} to send it: {}", resp.file->path, ec.message());
      return write(fault_response(404, "The image data is gone."));
    }
    out->body().offset = resp.file->offset;
    out->body().length = resp.file->length;
    try {
      for (auto& [k, v] : resp.headers)
        out->set(k, v);
      out->keep_alive(keep_alive_);
      out->prepare_payload();
    } catch (const std::exception& e) {
      spdlog::error("http: cannot write a {} response: {}", resp.status, e.what());
      return close();
    }
    if (head_) { // the head alone, its length as the body's
      auto head = std::make_shared<http::response<http::empty_body>>(out->result(), version_);
      for (auto& field : *out)
        head->set(field.name_string(), field.value());
      head->keep_alive(keep_alive_);
      stream_.expires_after(limits().client_timeout);
      http::async_write(stream_, *head,
                        [self = shared_from_this(), head](error_code ec, std::size_t) {
                          if (ec || !head->keep_alive())
                            return self->close();
                          self->read_header(self->limits().keepalive_timeout);
                        });
      return;
    }
    auto sr = std::make_shared<http::response_serializer<file_slice_body>>(*out);
    write_piece(out, sr);
  }

  template <class Message, class Serializer>
  void write_piece(std::shared_ptr<Message> out, std::shared_ptr<Serializer> sr) {
    stream_.expires_after(limits().client_timeout);
    http::async_write_some(stream_, *sr,
                           [self = shared_from_this(), out, sr](error_code ec, std::size_t) {
                             if (ec)
                               return self->close();
                             if (!sr->is_done())
                               return self->write_piece(out, sr);
                             if (!out->keep_alive())
                               return self->close();
                             self->read_header(self->limits().keepalive_timeout);
                           });
  }

  void close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  std::shared_ptr<http_server::impl> server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::file_body>> file_parser_; // a spooled body
  std::string spool_path_; // its file, until the handler has answered
  api_response spool_over_limit_;
  bool keep_alive_ = true;
  bool head_ = false;
  bool refused_ = false; // the request could not be read: linger, then close
  std::array<char, 8192> scratch_{};
  std::size_t drained_ = 0;
  net::steady_timer deadline_{stream_.get_executor()}; // for the handler's answer
  std::uint64_t request_no_ = 0;                       // which request the deadline is for
  unsigned version_ = 11;
};

} // namespace

void http_server::impl::accept() {
  acceptor->async_accept(
    net::make_strand(ioc), [self = shared_from_this()](error_code ec, tcp::socket socket) {
      if (self->stopping)
        return;
      if (ec) {
        if (ec == net::error::operation_aborted)
          return;
        // Out of file descriptors, most likely: try again in a moment rather
        // than spin on the error.
        spdlog::warn("http: accept on port {} failed: {}", self->port, ec.message());
        self->retry->expires_after(std::chrono::milliseconds(100));
        self->retry->async_wait([self](error_code ec) {
          if (!ec && !self->stopping)
            self->accept();
        });
        return;
      }
      if (self->open_connections.load() >= self->limits.max_connections) {
        error_code ignored;
        socket.close(ignored); // over the cap: refused as it arrives
      } else {
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<session>(self, std::move(socket))->start();
      }
      self->accept();
    });
}

http_server::http_server(std::string host, int port, http_limits limits, request_handler handler)
    : impl_(std::make_shared<impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->limits = limits;
  impl_->handler = std::move(handler);
}

http_server::~http_server() { close(); }

void http_server::spool_bodies(spool_policy policy) { impl_->spool = std::move(policy); }

bool http_server::open(std::string* error) {
  try {
    auto address = net::ip::make_address(impl_->host == "localhost" ? "127.0.0.1" : impl_->host);
    tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->port));
    impl_->acceptor.emplace(impl_->ioc);
    impl_->acceptor->open(endpoint.protocol());
    impl_->acceptor->set_option(net::socket_base::reuse_address(true));
    impl_->acceptor->bind(endpoint);
    impl_->acceptor->listen(net::socket_base::max_listen_connections);
    impl_->retry.emplace(impl_->ioc);
  } catch (const std::exception& e) {
    *error = e.what();
    impl_->acceptor.reset();
    return false;
  }
  impl_->accept();
  for (int i = 0; i < std::max(impl_->limits.threads, 1); ++i)
    impl_->threads.emplace_back([self = impl_] { self->ioc.run(); });
  return true;
}

void http_server::close() {
  if (impl_->stopping.exchange(true))
    return;
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    t.join();
  impl_->threads.clear();
  // No thread runs the io_context any more: the acceptor can be closed from
  // here, so the port stops taking connections while the process winds down.
  if (impl_->acceptor) {
    error_code ignored;
    impl_->acceptor->close(ignored);
  }
}

std::size_t http_server::connections() const { return impl_->open_connections.load(); }

std::size_t raise_open_files_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return static_cast<std::size_t>(lim.rlim_cur);
}

} // namespace nimbus::api
