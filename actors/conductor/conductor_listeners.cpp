// The conductor's listeners (the API cell's super conductors): who they
// are, and what the cell tells them (actors/protocol/type_ids.h,
// cell_listener).
#include <algorithm>
#include <utility>

#include <caf/send.hpp>

#include "actors/conductor/conductor_core.h"

namespace nimbus::conductor {

void add_listener(self_ptr self, cell_listener listener) {
  auto& ls = self->state.listeners;
  if (std::find(ls.begin(), ls.end(), listener) == ls.end()) // the same one again
    ls.push_back(std::move(listener));
  push_summary(self);
}

void push_summary(self_ptr self) {
  if (self->state.listeners.empty())
    return;
  auto call = std::make_shared<bounded_call>([](caf::error&) {}); // the next tick sends one
  ask_scheduler(self, call, usage_atom_v)
    .then(
      [self, call](std::vector<host_usage>&, cell_summary& s) {
        if (!call->settle())
          return;
        s.cell_uuid = self->state.opts.cell_uuid;
        for (auto& l : self->state.listeners)
          caf::anon_send(l, summary_atom_v, s);
      },
      [call](caf::error& err) { call->fail(err); });
}

// How long a deletion waits for the first listener to say it heard. The API
// cell drops its mapping on hearing, and the server must not be "not found"
// here while the API cell still counts it (in a group's members, say); a
// listener of an API process that is gone never answers, so the wait is short.
constexpr auto deletion_notice_wait = std::chrono::seconds(2);

void tell_deleted(self_ptr self, const std::string& uuid, std::function<void()> then) {
  auto& listeners = self->state.listeners;
  if (listeners.empty()) {
    then();
    return;
  }
  struct notice {
    std::function<void()> then;
    std::size_t waiting;
    void settle() {
      if (then)
        std::exchange(then, nullptr)();
    }
  };
  auto n = std::make_shared<notice>(notice{std::move(then), listeners.size()});
  for (auto& l : listeners)
    self->request(l, deletion_notice_wait, deleted_atom_v, uuid)
      .then([n](caf::ok_atom) { n->settle(); },
            [n](caf::error&) {
              if (--n->waiting == 0)
                n->settle();
            });
}

void tell_image_saved(self_ptr self, const std::string& image, const std::string& path,
                      const std::string& error) {
  for (auto& l : self->state.listeners)
    caf::anon_send(l, image_saved_atom_v, image, path, error);
}

} // namespace nimbus::conductor
