#include "entropy/symbol_coder.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <system_error>
#include <thread>


namespace lcodec::entropy {
namespace {

constexpr int kMaxVarintBytes = 10;

void AppendVarint(uint64_t v, std::vector<uint8_t>* out) {
  for (; v >= 0x80; v >>= 7) out->push_back(static_cast<uint8_t>(v | 0x80));
  out->push_back(static_cast<uint8_t>(v));
}

// Reads a varint at *pos, advancing it. False if the data ends first or
// the value does not fit 64 bits.
bool ReadVarint(const uint8_t* data, size_t size, size_t* pos, uint64_t* v) {
  *v = 0;
  for (int i = 0; i < kMaxVarintBytes && *pos < size; ++i) {
    const uint8_t byte = data[(*pos)++];
    const uint64_t bits = byte & 0x7f;
    if (i == kMaxVarintBytes - 1 && bits > 1) return false;
    *v |= bits << (7 * i);
    if (!(byte & 0x80)) return true;
  }
  return false;
}

size_t SubstreamCount(size_t count, size_t symbols_per_substream) {
  return count == 0 ? 0 : (count - 1) / symbols_per_substream + 1;
}

// Runs job(j) for every j < jobs on up to `threads` threads, the calling
// one included. Jobs are handed out one at a time, so uneven ones balance.
template <typename Job>
void RunJobs(size_t jobs, int threads, const Job& job) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t j; (j = next.fetch_add(1, std::memory_order_relaxed)) < jobs;) job(j);
  };
  const size_t helpers = std::min(static_cast<size_t>(threads), jobs);
  std::vector<std::thread> pool;
  for (size_t t = 1; t < helpers; ++t) {
    // Fewer threads only make it slower, so a refusal is not an error.
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;
    }
  }
  worker();
  for (std::thread& t : pool) t.join();
}

// The failure of the lowest-numbered job, so that errors do not depend on
// thread timing either.
Status FirstFailure(const std::vector<Status>& statuses) {
  for (const Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status EncodeSymbols(const CdfTable& table, const int32_t* values, const uint16_t* indexes, size_t count,
                     const CodingOptions& options, std::vector<uint8_t>* out) {
  if (options.symbols_per_substream < 1) return Status::InvalidArgument("symbols_per_substream must be >= 1");
  if (options.threads < 1) return Status::InvalidArgument("threads must be >= 1");
  const size_t per = options.symbols_per_substream;
  const size_t substreams = SubstreamCount(count, per);

  std::vector<std::vector<uint8_t>> parts(substreams);
  std::vector<Status> statuses(substreams);
  RunJobs(substreams, options.threads, [&](size_t j) {
    const size_t begin = j * per;
    const size_t n = std::min(per, count - begin);
    RansEncoder encoder(table);
    statuses[j] = encoder.Encode(values + begin, indexes + begin, n);
    if (statuses[j].ok()) encoder.Finish(&parts[j]);
  });
  LCODEC_RETURN_IF_ERROR(FirstFailure(statuses));

  out->clear();
  AppendVarint(per, out);
  AppendVarint(substreams, out);
  size_t payload = 0;
  for (const std::vector<uint8_t>& part : parts) {
    AppendVarint(part.size(), out);
    payload += part.size();
  }
  out->reserve(out->size() + payload);
  for (const std::vector<uint8_t>& part : parts) out->insert(out->end(), part.begin(), part.end());
  return Status::Ok();
}

Status DecodeSymbols(const CdfTable& table, const uint8_t* data, size_t size, const uint16_t* indexes, size_t count,
                     int threads, int32_t* values) {
  SymbolDecoder decoder;
  LCODEC_RETURN_IF_ERROR(decoder.Open(table, data, size, count));
  LCODEC_RETURN_IF_ERROR(decoder.Decode(indexes, count, threads, values));
  return decoder.Finish();
}

Status SymbolDecoder::Open(const CdfTable& table, const uint8_t* data, size_t size, size_t count) {
  *this = SymbolDecoder();
  size_t pos = 0;
  uint64_t per = 0;
  uint64_t substreams = 0;
  if (!ReadVarint(data, size, &pos, &per) || per < 1) return Status::Corrupt("bad symbols-per-substream field");
  if (!ReadVarint(data, size, &pos, &substreams)) return Status::Corrupt("bad substream count");
  // Checked before anything is sized by it.
  if (substreams != SubstreamCount(count, per)) {
    return Status::Corrupt("substream count " + std::to_string(substreams) + " does not match " +
                           std::to_string(count) + " symbols");
  }
  std::vector<size_t> begins(substreams + 1);
  for (size_t j = 0; j < substreams; ++j) {
    uint64_t length = 0;
    if (!ReadVarint(data, size, &pos, &length)) return Status::Corrupt("bad substream length");
    if (length > size - begins[j]) return Status::Corrupt("substream lengths exceed the data");
    begins[j + 1] = begins[j] + length;
  }
  if (begins[substreams] != size - pos) return Status::Corrupt("substream lengths do not add up to the data");
  const uint8_t* payload = data + pos;
  substreams_.reserve(substreams);
  for (size_t j = 0; j < substreams; ++j)
    substreams_.emplace_back(table, payload + begins[j], begins[j + 1] - begins[j]);
  table_ = &table;
  count_ = count;
  per_substream_ = per;
  return Status::Ok();
}

Status SymbolDecoder::Decode(const uint16_t* indexes, size_t count, int threads, int32_t* values) {
  if (threads < 1) return Status::InvalidArgument("threads must be >= 1");
  if (table_ == nullptr || count > count_ - decoded_)
    return Status::InvalidArgument("decoding past the end of the symbols");
  if (count == 0) return Status::Ok();
  const size_t begin = decoded_, end = decoded_ + count;
  const size_t first = begin / per_substream_, last = (end - 1) / per_substream_;
  // Each substream's share of [begin, end) continues where it stopped.
  RunJobs(last - first + 1, threads, [&](size_t j) {
    const size_t substream = first + j;
    const size_t from = std::max(begin, substream * per_substream_);
    const size_t to = std::min(end, (substream + 1) * per_substream_);
    substreams_[substream].Decode(indexes + (from - begin), to - from, values + (from - begin));
  });
  decoded_ = end;
  return Status::Ok();
}

Status SymbolDecoder::Finish() const {
  if (table_ == nullptr || decoded_ != count_) return Status::Corrupt("not every symbol was decoded");
  for (size_t j = 0; j < substreams_.size(); ++j) {
    const Status status = substreams_[j].Finish();
    if (!status.ok()) return Status::Corrupt("substream " + std::to_string(j) + ": " + status.message());
  }
  return Status::Ok();
}

}  // namespace lcodec::entropy
