#pragma once
// The end of a createImage (createBackup): a host has written the server's
// disk to a staging file of the API cell's image store, or failed, or had no
// disk to write. Settles the image record the API made "saving". CAF-free;
// blocks (it hashes the whole file): the super conductor runs it on a
// thread of its own.
#include <string>

#include "cells/api_cell.h"
#include "storage/image_files.h"

namespace nimbus::cells {

/// `error` non-empty: the export failed; the image goes (Nova deletes the
/// snapshot of a failed createImage) and so does the staged file.
/// `path` empty, no error: the host has no disk (fake and test:// hosts);
/// the image becomes active without data, as its record says.
/// Otherwise `path` (a file of `files`' staging folder; anything else is
/// refused) becomes the image's data, qcow2, hashed, and the image active;
/// an image deleted meanwhile keeps no data. `files` null: no image store,
/// as for an empty path.
void settle_export(api_cell& api, storage::image_files* files, const std::string& image,
                   const std::string& path, const std::string& error);

} // namespace nimbus::cells
