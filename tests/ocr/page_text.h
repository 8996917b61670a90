// Test helper shared by the ocr tests: recognized words built by hand.
#pragma once

#include <string>

#include "pipeline/model.h"

namespace faxintake::ocr {

inline Word MakeWord(const std::string& text, Box box, float confidence, int line) {
  Word w;
  w.text = text;
  w.box = box;
  w.confidence = confidence;
  w.line = line;
  return w;
}

}  // namespace faxintake::ocr
