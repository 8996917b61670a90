// Conversion of IntakeResult to and from the contract's JSON (faxintake.result/1).
// Thread-safe (pure functions).
#pragma once

#include <nlohmann/json.hpp>

#include "pipeline/model.h"
#include "pipeline/status.h"

namespace faxintake {

// The contract object for `r`, keys exactly as ../shared/contract specifies.
nlohmann::json ToContractJson(const IntakeResult& r);

nlohmann::json FieldValueToJson(const FieldValue& v);
// Returns kInvalidArgument for JSON that is not a string, integer or string array.
Result<FieldValue> FieldValueFromJson(const nlohmann::json& j);

}  // namespace faxintake
