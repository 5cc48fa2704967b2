#pragma once
// The API cell's global records in its own store: cell, host and instance
// mappings, build requests, request specs, flavors and images. Thread-safe:
// the HTTP threads and the super conductor use it at once. Writes are durable
// (group-committed) unless named async.
//
// Every request about one server starts with its instance mapping, and every
// boot with a flavor and an image: mappings, flavors and images are served
// from memory (one or all of them), kept in step by the writes below. Every
// write to the API store goes through this class (nimbus-manage too: through
// the running API, or through an api_cell of its own when none runs).
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cells/quota_usage.h"
#include "storage/records.h"
#include "storage/store.h"

namespace nimbus::cells {

class api_cell {
public:
  /// Loads the pending build requests: lists read them on every call, and a
  /// scan of their key space walks every placed (deleted) one too.
  explicit api_cell(std::shared_ptr<storage::store> store);

  /// Blocks until every write queued before it is durable.
  std::error_code flush();

  /// Whether the set-up's defaults were stored (cells/cell_setup.h), and
  /// the mark that they were.
  bool initialized() const;
  std::error_code mark_initialized();

  /// Writes `batch` with instance mappings put and erased, keeping memory in
  /// step, as one durable write in line with the decisions below (for
  /// nimbus-manage's map_instances and delete_cell). Blocks.
  std::error_code write_mappings(storage::write_batch batch,
                                 const std::vector<storage::instance_mapping>& put,
                                 const std::vector<std::string>& erased);

  std::vector<storage::cell_mapping> cell_mappings() const;
  std::optional<storage::cell_mapping> cell_mapping(const std::string& uuid_or_name) const;
  std::vector<storage::host_mapping> host_mappings() const;
  std::optional<storage::instance_mapping> instance_mapping(const std::string& uuid) const;
  std::vector<storage::instance_mapping> instance_mappings() const;
  std::optional<storage::build_request> build_request(const std::string& uuid) const;
  std::vector<storage::build_request> build_requests() const;
  std::optional<storage::request_spec> request_spec(const std::string& uuid) const;

  std::vector<storage::flavor> flavors() const;
  /// By id, then by name (as Nova's flavor lookup falls back).
  std::optional<storage::flavor> flavor(const std::string& id) const;
  std::vector<storage::image> images() const;
  std::optional<storage::image> image(const std::string& id) const;

  /// How many of the builds offered may be accepted, given what the
  /// project and the user use now (their quotas' check); 0: none.
  using admission = std::function<std::size_t(const usage& project, const usage& user)>;
  /// Records accepted servers: their build requests, request specs and
  /// instance mappings (no cell yet), all in one durable write, after
  /// `admit` (when given) has said how many of them, in order, may be: the
  /// accepted ones count against the project's usage from this moment, so
  /// concurrent boots never pass one check together. Answers that number
  /// at once; `done` runs once they are durable and readable here (not at
  /// all when it is 0). A failed write takes their charge back.
  std::size_t accept_builds(std::vector<storage::build_request> builds,
                            std::vector<storage::request_spec> specs, storage::done_fn done,
                            const admission& admit = {});

  /// What a project, or one user of it, uses of the counted quotas: every
  /// server accepted and not yet forgotten, cell0's included.
  usage project_usage(const std::string& project_id) const;
  usage user_usage(const std::string& project_id, const std::string& user_id) const;

  /// May the project and user take `delta` more (a resize, an unshelve)?
  using charge_check =
    std::function<bool(const usage& project, const usage& user, const usage& delta)>;
  enum class charge_step { changed, refused, not_found };
  /// Makes server `uuid` count `charge`, after `admit` (when given)
  /// allowed an increase, under the same lock as every charge. `done` runs
  /// once the mapping's write is durable, unless the step is not `changed`.
  charge_step recharge(const std::string& uuid, const server_charge& charge,
                       const charge_check& admit, storage::done_fn done);
  // The fate of a server not yet in a cell. The super conductor places it,
  // a client may delete it at any moment, and both go through here: each
  // decision is taken under one lock and queued to the store in the order
  // taken, so a delete that arrives while the build is on its way wins
  // whenever the placement lands, and a crash in between loses neither.

  /// The super conductor is about to hand the build to a cell (or to cell0).
  /// False when there is nothing to place: it was deleted before it left (a
  /// delete requested while it was out is completed here, since the caller
  /// has learnt that no cell holds it).
  bool begin_placement(const std::string& uuid);
  /// The attempt ended with the build in no cell (refused): a delete may
  /// now drop it at once.
  void end_placement(const std::string& uuid);

  /// The build landed in `cell_uuid` (or cell0): the mapping points there.
  /// `done` runs once that is durable, with delete_it set if a delete was
  /// requested meanwhile: the caller then has the cell delete it, and the
  /// build request stays (flagged) until the cell reports the delete.
  using placement_done = std::function<void(std::error_code, bool delete_it)>;
  void record_placement(const std::string& uuid, const std::string& cell_uuid,
                        const placement_done& done);

  enum class delete_step {
    dropped, // it never left the API cell: gone now
    flagged, // on its way to a cell: deleted where it lands
    in_cell, // already placed: delete it in its cell
  };
  /// A client deletes a server whose mapping names no cell. `done` runs
  /// once the step is durable. Does not block.
  void delete_unplaced(const std::string& uuid,
                       const std::function<void(std::error_code, delete_step)>& done);

  enum class update_step {
    updated, // the build request changed (durable when `done` runs)
    refused, // `change` said no: nothing changed
    in_cell, // it is placed: change it in its cell
  };
  /// Changes a record, or says no (false) leaving it as it was.
  using record_change = std::function<bool(storage::instance_record&)>;
  using update_done =
    std::function<void(std::error_code, update_step, const storage::instance_record&)>;
  /// A client changes a server (PUT, metadata, tags) whose mapping names no
  /// cell: `change` runs on its build request under the lock, as Nova
  /// updates a build request. While the build is out to a cell the change
  /// waits for the cell's answer (the cell got the record as it was), then
  /// runs again here: in_cell once placed, on the build request if refused.
  /// `done` runs once without blocking, on whichever thread settled it.
  void update_unplaced(const std::string& uuid, const record_change& change,
                       const update_done& done);

  /// Drops the mapping, request spec and any build request of a server its
  /// cell has deleted: gone from memory when the call returns, from the
  /// store when `done` runs.
  void forget_instance(const std::string& uuid, storage::done_fn done);

  /// Runs `hook(uuid)` whenever a server is forgotten for good (its delete
  /// is complete), under this class's lock: it must not call back into
  /// it. The network service releases the server's ports there. Set once,
  /// before any request.
  void on_forget(std::function<void(const std::string&)> hook) { forgotten_ = std::move(hook); }

  /// Maps hosts to cells without blocking (for actor threads).
  void map_hosts(const std::vector<storage::host_mapping>& hosts, storage::done_fn done);

  std::error_code put(const storage::cell_mapping& c);
  std::error_code put(const storage::host_mapping& h);
  std::error_code unmap_host(const std::string& host);
  /// unmap_host without blocking (for actor threads).
  void unmap_host(const std::string& host, storage::done_fn done);
  std::error_code put(const storage::flavor& f);
  std::error_code put(const storage::image& i);
  std::error_code erase_flavor(const std::string& id);
  /// The image writes of server actions (createImage, shelve, unshelve)
  /// and image deletes, without blocking: the image is served (or gone) at
  /// once, and `done` runs on the store's committer thread once the write is
  /// durable (or failed: a restart then shows the image as it was).
  void put(const storage::image& i, storage::done_fn done);
  void erase_image(const std::string& id, storage::done_fn done);
  /// Changes image `id` as one step among concurrent changes (Glance's
  /// updates, upload states): `change` runs under the lock on the current
  /// record and returns false to leave it as it is. Answers the record as it
  /// is after the call; errc::not_found if there is none. A change is
  /// durable when this returns (submitted under the lock, so the store sees
  /// changes in the order they were made).
  std::error_code change_image(const std::string& id,
                               const std::function<bool(storage::image&)>& change,
                               storage::image* out);

private:
  /// Reads the remembered records (build requests, mappings, flavors,
  /// images) from the store: at start, before anything else writes them.
  void reload();

  std::shared_ptr<storage::store> store_;
  mutable std::mutex mutex_;                                             // guards what follows
  std::map<std::string, storage::build_request> pending_;                // uuid -> build request
  std::unordered_map<std::string, storage::request_spec> pending_specs_; // of those, by uuid
  std::unordered_map<std::string, storage::instance_mapping> mappings_;  // by instance uuid
  usage_ledger usage_; // the sum of mappings_' charges and of builds being accepted
  std::unordered_map<std::string, storage::flavor> flavors_; // by id
  std::unordered_map<std::string, storage::image> images_;   // by id
  std::unordered_set<std::string> placing_;           // builds out to a cell, not answered yet
  std::function<void(const std::string&)> forgotten_; // see on_forget
  // Updates waiting for a placement's answer, by uuid (see update_unplaced).
  std::unordered_map<std::string, std::vector<std::function<void()>>> after_placement_;

  /// Erases a mapping and takes back its charge (the caller locks).
  void drop_mapping(const std::string& uuid);
  /// Stages the erasure of everything the API cell keeps of a deleted
  /// server and tells the forget hook (the caller locks).
  void forget(storage::write_batch& b, const std::string& uuid);
  /// The updates waiting on `uuid`'s placement, to run once mutex_ is released.
  std::vector<std::function<void()>> take_waiters(const std::string& uuid);
};

} // namespace nimbus::cells
