#pragma once
// A Beast body that sends `length` bytes of an open file from `offset`
// (an image download, whole or one range), read in 64 KiB pieces so that
// nothing but one piece is in memory. Only http_server.cpp includes it.
#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/file.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

namespace nimbus::api {

struct file_slice_body {
  struct value_type {
    boost::beast::file file;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };

  static std::uint64_t size(const value_type& v) { return v.length; }

  class writer {
  public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(boost::beast::http::header<isRequest, Fields>&, value_type& v) : v_(v) {}

    void init(boost::beast::error_code& ec) {
      v_.file.seek(v_.offset, ec);
      remain_ = v_.length;
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (remain_ == 0)
        return boost::none;
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size(), remain_));
      auto n = v_.file.read(buf_.data(), want, ec);
      if (ec)
        return boost::none;
      if (n == 0) { // the file is shorter than it was said to be
        ec = boost::beast::http::error::short_read;
        return boost::none;
      }
      remain_ -= n;
      return std::make_pair(const_buffers_type(buf_.data(), n), remain_ > 0);
    }

  private:
    value_type& v_;
    std::uint64_t remain_ = 0;
    std::array<char, 1 << 16> buf_{};
  };
};

} // namespace nimbus::api
