#include "compute/image_catalog.h"

#include <algorithm>
#include <filesystem>
#include <future>

#include <spdlog/spdlog.h>

#include "cells/api_cell.h"
#include "storage/clock.h"
#include "storage/ids.h"

namespace nimbus::compute {
namespace {

using storage::image;
using storage::image_member;

const image_member* member_of(const image& i, const std::string& project_id) {
  for (auto& m : i.members)
    if (m.member_id == project_id)
      return &m;
  return nullptr;
}

fault forbidden(std::string message) { return {fault_kind::forbidden, std::move(message)}; }

std::string member_not_found(const std::string& id, const std::string& member) {
  return member + " not found in the member list of the image " + id + ".";
}

fault image_gone(const std::string& id) {
  return {fault_kind::not_found, "Image " + id + " not found."};
}

} // namespace

bool image_owned(const image& i, const request_context& ctx) {
  return ctx.is_admin || (!ctx.project_id.empty() && i.owner == ctx.project_id);
}

bool image_visible(const image& i, const request_context& ctx) {
  if (image_owned(i, ctx) || i.visibility == "public" || i.visibility == "community")
    return true;
  return i.visibility == "shared" && member_of(i, ctx.project_id) != nullptr;
}

std::string image_not_found(const std::string& id) { return "No image found with ID " + id; }

image_catalog::image_catalog(std::shared_ptr<cells::api_cell> api,
                             std::shared_ptr<storage::image_files> files, image_options options)
    : api_(std::move(api)), files_(std::move(files)), options_(options) {}

std::vector<image> image_catalog::visible(const request_context& ctx) const {
  std::vector<image> out;
  for (auto& i : api_->images())
    if (image_visible(i, ctx))
      out.push_back(i);
  return out;
}

std::optional<image> image_catalog::find(const request_context& ctx, const std::string& id) const {
  auto i = api_->image(id);
  if (!i || !image_visible(*i, ctx))
    return std::nullopt;
  return i;
}

outcome<image> image_catalog::create(const request_context& ctx, image i) {
  if (i.id.empty())
    i.id = storage::random_uuid();
  else if (api_->image(i.id))
    return outcome<image>::failure(fault_kind::conflict, "Image ID " + i.id + " already exists!");
  if (!ctx.is_admin && !i.owner.empty() && i.owner != ctx.project_id)
    return outcome<image>::failure(
      forbidden("You are not permitted to create images owned by '" + i.owner + "'"));
  if (i.owner.empty())
    i.owner = ctx.project_id;
  i.status = "queued";
  i.size = 0;
  i.checksum.clear();
  i.os_hash_algo.clear();
  i.os_hash_value.clear();
  i.members.clear();
  i.created_us = i.updated_us = storage::now_us();
  if (auto ec = api_->put(i))
    return outcome<image>::failure(fault_kind::internal, "Cannot store the image: " + ec.message());
  outcome<image> out;
  out.value = std::move(i);
  return out;
}

outcome<image> image_catalog::apply(const std::string& id, const image_edit& edit) {
  std::optional<fault> refusal;
  image after;
  auto ec = api_->change_image(
    id,
    [&](image& i) {
      refusal = edit(i);
      if (refusal)
        return false;
      i.updated_us = storage::now_us();
      return true;
    },
    &after);
  if (ec == storage::errc::not_found)
    return outcome<image>::failure(fault_kind::not_found, image_not_found(id));
  if (ec)
    return outcome<image>::failure(fault_kind::internal, "Cannot store the image: " + ec.message());
  if (refusal)
    return outcome<image>::failure(*refusal);
  outcome<image> out;
  out.value = std::move(after);
  return out;
}

outcome<image> image_catalog::change(const request_context& ctx, const std::string& id,
                                     const image_edit& edit) {
  return apply(id, [&](image& i) -> std::optional<fault> {
    if (!image_visible(i, ctx))
      return fault{fault_kind::not_found, image_not_found(id)};
    if (!image_owned(i, ctx))
      return forbidden("You are not authorized to complete modify_image action.");
    return edit(i);
  });
}

outcome<done> image_catalog::erase(const request_context& ctx, const std::string& id) {
  auto i = find(ctx, id);
  if (!i)
    return outcome<done>::failure(fault_kind::not_found, image_not_found(id));
  if (!image_owned(*i, ctx))
    return outcome<done>::failure(
      forbidden("You are not authorized to complete delete_image action."));
  if (i->is_protected)
    return outcome<done>::failure(
      forbidden("Image " + id + " is protected and cannot be deleted."));
  std::promise<std::error_code> erased;
  auto result = erased.get_future();
  api_->erase_image(id, [&erased](std::error_code ec) { erased.set_value(ec); });
  if (auto ec = result.get())
    return outcome<done>::failure(fault_kind::internal, "Cannot delete the image: " + ec.message());
  // The record is gone first: a crash in between leaves a file nobody
  // names, never a record whose data went.
  if (auto ec = files_->remove(id))
    spdlog::warn("image {}: its data stays on disk: {}", id, ec.message());
  return {};
}

void image_catalog::drop(const std::string& id) {
  api_->erase_image(id, [files = files_, id](std::error_code ec) {
    if (ec)
      return spdlog::error("image {}: cannot delete it: {}", id, ec.message());
    if (auto gone = files->remove(id)) // the record first, as erase()
      spdlog::warn("image {}: its data stays on disk: {}", id, gone.message());
  });
}

std::string image_catalog::staging_path() { return files_->staging_path(); }

outcome<image> image_catalog::upload(const request_context& ctx, const std::string& id,
                                     const std::string& staged) {
  auto drop = [&staged](outcome<image> o) {
    storage::image_files::discard(staged);
    return o;
  };
  auto saving = change(ctx, id, [](image& i) -> std::optional<fault> {
    if (i.disk_format.empty() || i.container_format.empty()) {
      auto both = i.disk_format.empty() && i.container_format.empty();
      return fault{
        fault_kind::bad_request,
        both ? "Properties disk_format, container_format must be set prior to saving "
               "data."
             : "Property " + std::string(i.disk_format.empty() ? "disk_format" : "container_format")
                 + " must be set prior to saving data."};
    }
    if (i.status != "queued")
      return fault{fault_kind::conflict,
                   "Image status transition from " + i.status + " to saving is not allowed"};
    i.status = "saving";
    return std::nullopt;
  });
  if (!saving.ok())
    return drop(saving);
  auto back_to_queued = [this, &id] {
    apply(id, [](image& i) -> std::optional<fault> {
      if (i.status != "saving")
        return fault{fault_kind::conflict, ""};
      i.status = "queued";
      return std::nullopt;
    });
  };
  // The quota needs the size only: the data is read (and hashed) once, by adopt().
  std::error_code size_ec;
  auto staged_size = static_cast<std::int64_t>(std::filesystem::file_size(staged, size_ec));
  if (size_ec) {
    back_to_queued();
    return drop(outcome<image>::failure(fault_kind::internal, "Cannot read the upload"));
  }
  storage::file_digest d;
  if (options_.user_storage_quota > 0) {
    std::int64_t used = 0;
    for (auto& other : api_->images())
      if (other.owner == saving.value.owner && other.id != id)
        used += other.size;
    if (used + staged_size > options_.user_storage_quota) {
      back_to_queued();
      return drop(outcome<image>::failure(
        fault_kind::too_large, "Image exceeds the storage quota: The size of the data "
                                 + std::to_string(staged_size) + " will exceed the limit. "
                                 + std::to_string(options_.user_storage_quota - used)
                                 + " bytes remaining."));
    }
  }
  if (auto ec = files_->adopt(id, staged, &d)) {
    back_to_queued();
    return outcome<image>::failure(fault_kind::internal, "Cannot store the data: " + ec.message());
  }
  auto active = apply(id, [&d](image& i) -> std::optional<fault> {
    if (i.status != "saving")
      return fault{fault_kind::conflict, "The image was changed during the upload."};
    i.status = "active";
    i.size = d.size;
    i.checksum = d.md5;
    i.os_hash_algo = "sha512";
    i.os_hash_value = d.sha512;
    return std::nullopt;
  });
  if (!active.ok() && active.error->kind != fault_kind::internal) {
    files_->remove(id); // deleted (or changed) meanwhile: its data goes too
    return outcome<image>::failure(
      fault_kind::gone, "Image " + id
                          + " could not be found after upload. The image may have been deleted "
                            "during the upload, cleaning up the chunks uploaded.");
  }
  return active;
}

outcome<std::optional<image_data>> image_catalog::data(const request_context& ctx,
                                                       const std::string& id) const {
  using result = outcome<std::optional<image_data>>;
  auto i = find(ctx, id);
  if (!i)
    return result::failure(fault_kind::not_found, image_not_found(id));
  if (i->status == "deactivated" && !ctx.is_admin)
    return result::failure(
      forbidden("The requested image has been deactivated. Image data download is forbidden."));
  result out;
  image_data where;
  if (i->status != "active" && i->status != "deactivated")
    return out;
  if (files_->locate(id, &where.path, &where.size))
    return out; // an image registered without data (the seeded one, snapshots)
  where.record = std::move(*i);
  out.value = std::move(where);
  return out;
}

outcome<done> image_catalog::set_deactivated(const request_context& ctx, const std::string& id,
                                             bool deactivated) {
  auto r = apply(id, [&](image& i) -> std::optional<fault> {
    if (!image_visible(i, ctx))
      return fault{fault_kind::not_found, image_not_found(id)};
    auto action = deactivated ? std::string("deactivate") : std::string("reactivate");
    if (!image_owned(i, ctx))
      return forbidden("You are not authorized to complete " + action + " action.");
    if (i.status == (deactivated ? "deactivated" : "active"))
      return std::nullopt;
    if (i.status != (deactivated ? "active" : "deactivated"))
      return forbidden("Not allowed to " + action + " image in status '" + i.status + "'");
    i.status = deactivated ? "deactivated" : "active";
    return std::nullopt;
  });
  return r.ok() ? outcome<done>{} : outcome<done>::failure(*r.error);
}

outcome<image_member> image_catalog::add_member(const request_context& ctx, const std::string& id,
                                                const std::string& member) {
  image_member added;
  auto r = apply(id, [&](image& i) -> std::optional<fault> {
    if (!image_visible(i, ctx))
      return image_gone(id);
    if (!image_owned(i, ctx) || i.visibility != "shared")
      return forbidden("Not allowed to create members for image " + id + ".");
    if (member_of(i, member))
      return fault{fault_kind::conflict, "Member " + member + " is duplicated for image " + id};
    if (options_.image_member_quota >= 0
        && static_cast<std::int64_t>(i.members.size()) >= options_.image_member_quota)
      return fault{fault_kind::too_large,
                   "Image member limit exceeded for image " + id
                     + ": The limit has been exceeded on the number of allowed image members for "
                       "this image. Attempted: "
                     + std::to_string(i.members.size() + 1)
                     + ", Maximum: " + std::to_string(options_.image_member_quota) + ":"};
    added.member_id = member;
    added.created_us = added.updated_us = storage::now_us();
    i.members.push_back(added);
    return std::nullopt;
  });
  if (!r.ok())
    return outcome<image_member>::failure(*r.error);
  outcome<image_member> out;
  out.value = added;
  return out;
}

outcome<std::vector<image_member>> image_catalog::members(const request_context& ctx,
                                                          const std::string& id) const {
  using result = outcome<std::vector<image_member>>;
  auto i = find(ctx, id);
  if (!i)
    return result::failure(image_gone(id));
  if (i->visibility != "shared")
    return result::failure(forbidden("Not allowed to list members for image " + id
                                     + ": Only shared images have members."));
  result out;
  for (auto& m : i->members)
    if (image_owned(*i, ctx) || m.member_id == ctx.project_id)
      out.value.push_back(m);
  return out;
}

outcome<image_member> image_catalog::member(const request_context& ctx, const std::string& id,
                                            const std::string& member) const {
  auto i = find(ctx, id);
  if (!i)
    return outcome<image_member>::failure(image_gone(id));
  if (i->visibility != "shared")
    return outcome<image_member>::failure(fault_kind::not_found,
                                          "Only shared images have members.");
  for (auto& m : i->members)
    if (m.member_id == member && (image_owned(*i, ctx) || m.member_id == ctx.project_id)) {
      outcome<image_member> out;
      out.value = m;
      return out;
    }
  return outcome<image_member>::failure(fault_kind::not_found, member_not_found(id, member));
}

outcome<image_member> image_catalog::set_member_status(const request_context& ctx,
                                                       const std::string& id,
                                                       const std::string& member,
                                                       const std::string& status) {
  image_member changed;
  auto r = apply(id, [&](image& i) -> std::optional<fault> {
    if (!image_visible(i, ctx))
      return image_gone(id);
    auto refused = forbidden("Not allowed to update members for image " + id + ".");
    if (i.visibility != "shared")
      return refused;
    auto it = std::find_if(i.members.begin(), i.members.end(),
                           [&](const image_member& m) { return m.member_id == member; });
    if (it == i.members.end()
        || (!ctx.is_admin && member != ctx.project_id && !image_owned(i, ctx)))
      return fault{fault_kind::not_found, member_not_found(id, member)};
    if (!ctx.is_admin && member != ctx.project_id) // the owner cannot answer for its member
      return refused;
    it->status = status;
    it->updated_us = storage::now_us();
    changed = *it;
    return std::nullopt;
  });
  if (!r.ok())
    return outcome<image_member>::failure(*r.error);
  outcome<image_member> out;
  out.value = changed;
  return out;
}

outcome<done> image_catalog::remove_member(const request_context& ctx, const std::string& id,
                                           const std::string& member) {
  auto r = apply(id, [&](image& i) -> std::optional<fault> {
    if (!image_visible(i, ctx))
      return image_gone(id);
    if (!image_owned(i, ctx) || i.visibility != "shared")
      return forbidden("Not allowed to delete members for image " + id + ".");
    auto it = std::find_if(i.members.begin(), i.members.end(),
                           [&](const image_member& m) { return m.member_id == member; });
    if (it == i.members.end())
      return fault{fault_kind::not_found, member_not_found(id, member)};
    i.members.erase(it);
    return std::nullopt;
  });
  return r.ok() ? outcome<done>{} : outcome<done>::failure(*r.error);
}

} // namespace nimbus::compute
