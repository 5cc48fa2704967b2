// The Glance v2 subset's image data: PUT /v2/images/{id}/file (the body
// arrives spooled to a staging file, image_service's spool_for) and GET
// (streamed from the image's file, whole or one range).
#include <fstream>

#include "api/byte_range.h"
#include "api/glance_faults.h"
#include "api/handlers/handlers.h"
#include "compute/image_catalog.h"

namespace nimbus::api {
namespace {

std::string media_type(const std::string& content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ')
    type.pop_back();
  return type;
}

api_response upload(compute::image_catalog& catalog, const api_request& req,
                    const std::string& id) {
  auto type = media_type(req.header("content-type"));
  if (type != "application/octet-stream") {
    auto shown = req.headers.count("content-type") ? req.header("content-type") : "None";
    return glance_error(415,
                        "The request media type " + shown + " is not supported by this server.",
                        "Invalid content type " + shown);
  }
  auto staged = req.body_file;
  if (staged.empty()) { // a body the listener did not spool: small, or refused ahead
    staged = catalog.staging_path();
    std::ofstream out(staged, std::ios::binary);
    out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
    if (!out.flush())
      return glance_error(500, "The image data cannot be stored.");
  }
  auto done = catalog.upload(req.ctx, id, staged);
  if (!done.ok()) {
    auto f = *done.error;
    if (f.kind == compute::fault_kind::too_large)
      return glance_error(413, f.message);
    return glance_error(f);
  }
  return {204, "", {}};
}

api_response download(compute::image_catalog& catalog, const api_request& req,
                      const std::string& id) {
  auto data = catalog.data(req.ctx, id);
  if (!data.ok())
    return glance_error(*data.error);
  if (!data.value)
    return {204, "", {}};
  auto size = static_cast<std::uint64_t>(data.value->size);
  range_refusal why = range_refusal::none;
  auto range = parse_byte_range(req.header("range"), size, &why);
  switch (why) {
  case range_refusal::none:
    break;
  case range_refusal::several:
    return glance_error(400, "Requests with multiple ranges are not supported in Glance. You may "
                             "make multiple single-range requests instead.");
  case range_refusal::unparsable:
    return glance_error(416, "The Range requested is not available.", "Invalid Range header.");
  case range_refusal::unsatisfied:
    return glance_error(416, "The Range requested is not available.",
                        "Invalid start position in Range header. Start position MUST be in the "
                        "inclusive range [0, "
                          + std::to_string(size ? size - 1 : 0) + "].");
  }
  api_response resp;
  resp.status = range ? 206 : 200;
  resp.headers["content-type"] = "application/octet-stream";
  if (!data.value->record.checksum.empty())
    resp.headers["content-md5"] = data.value->record.checksum;
  auto slice = range.value_or(byte_range{0, size});
  if (range)
    resp.headers["content-range"] = "bytes " + std::to_string(slice.first) + "-"
                                    + std::to_string(slice.first + slice.length - 1) + "/"
                                    + std::to_string(size);
  resp.file = file_slice{data.value->path, slice.first, slice.length};
  return resp;
}

} // namespace

void add_glance_data_routes(router& r, compute::image_catalog& catalog) {
  r.add("PUT", "/v2/images/{}/file", access::open(),
        [&catalog](const api_request& req, const params& p) { return upload(catalog, req, p[0]); });
  r.add(
    "GET", "/v2/images/{}/file", access::open(),
    [&catalog](const api_request& req, const params& p) { return download(catalog, req, p[0]); });
}

} // namespace nimbus::api
