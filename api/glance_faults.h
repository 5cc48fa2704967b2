#pragma once
// Glance's error bodies, as WebOb words them for a client that accepts JSON:
// {"message": "No image found with ID x<br /><br />\n\n\n",
//  "code": "404 Not Found", "title": "Not Found"}. Nimbus answers JSON
// whatever the Accept header says (Glance turns to HTML or plain text for
// other Accept values; the clients read the status and the message alike).
#include <string>

#include "api/http_types.h"
#include "compute/outcome.h"

namespace nimbus::api {

api_response glance_error(int status, const std::string& message);
/// With WebOb's detail after the explanation (a 415's, a 416's).
api_response glance_error(int status, const std::string& explanation, const std::string& detail);
/// A facade fault in Glance's body, at its status (api/faults.h).
api_response glance_error(const compute::fault& f);

} // namespace nimbus::api
