// The bits of CSV the result rows need: quoting a field, splitting a line,
// reading a number.
#ifndef LCODEC_EVAL_CSV_H_
#define LCODEC_EVAL_CSV_H_

#include <string>
#include <vector>

namespace lcodec::eval {

// `text` as one field: quoted (with "" for ") when it holds , " or a newline.
std::string CsvField(const std::string& text);

// The fields of one line, quotes undone.
std::vector<std::string> SplitCsvLine(const std::string& line);

// A whole field as a finite number.
bool CsvNumber(const std::string& field, double* out);

}  // namespace lcodec::eval

#endif  // LCODEC_EVAL_CSV_H_
