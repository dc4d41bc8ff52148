// lcodec as LADSPA audio filters (ladspa/lcodec.so): the audio goes through
// lcodec's audio encoder and decoder, so that any FFmpeg pipeline can preview
// the codec's effect without rebuilding FFmpeg:
//
//   LADSPA_PATH=DIR ffmpeg -i in.wav -af "ladspa=file=lcodec:plugin=lcodec_stereo:controls=c0=4:latency=1" out.wav
//   LADSPA_PATH=DIR ffmpeg -i in.wav -af "ladspa=file=lcodec:plugin=lcodec_stereo:controls=c0=4|c1=64:latency=1" out.wav
//
// Two plugins:
//   lcodec_stereo  2 inputs, 2 outputs: the pair is coded jointly (mid/side),
//                  exactly as `lcodec encode` codes a stereo file.
//   lcodec_mono    1 input, 1 output: FFmpeg runs one per channel, each coded
//                  as a mono stream.
// Ports (FFmpeg numbers the input controls c0, c1 in this order):
//   c0 quality (input)   lcodec's -q, required (1..8 for the shipped model;
//                        clamped into the model's range with one warning).
//                        Unused, though FFmpeg still wants it set, when c1 is.
//   latency (output)     the fixed delay in samples, for af_ladspa's latency=1.
//   c1 bitrate (input)   a target in kbps, as lcodec's -b; 0 (the default) or
//                        less: off, c0 sets the quality. The last port, so
//                        that the older ports keep their numbers.
// Both controls are read once, at the first block: a stream has one quality.
//
// Bitrate: with c1 > 0 the filter holds the first apps::kRatePrefixSeconds
// (10 s) of input, searches on them the highest quality that fits c1 with the
// code `lcodec encode -b` runs on a file's first 10 s (apps/audio_bitrate.h),
// prints it once on stderr ("lcodec LADSPA filter: quality Q for R kbps"),
// then codes everything from the start at that quality. Nothing comes out of
// the codec before those 10 s are in, so the latency is the larger of the
// codec's (below) and the 10 s: 480000 samples at 48 kHz. It is reported
// from the first block on, and FFmpeg sets the controls before that. An
// input of 10 s or more fills the prefix by itself, so with latency=1 the
// output equals `lcodec encode -b` + `lcodec decode` of the input followed
// by the latency in zeros, and the quality is the one `lcodec encode -b`
// picks for the bare input. A shorter input needs the apad form below, and
// the search then sees the padding zeros after it, which cost few bits: the
// quality can differ from (usually exceed) what `lcodec encode -b` picks for
// the bare input. Unpadded, an input shorter than 10 s never reaches the
// search and comes out silent.
//
// Latency: the encoder codes a chunk (runtime::ChunkSamples of the default 4
// seconds, as `lcodec encode` does) once the analysis margin after it has
// arrived, and the decoder synthesises a chunk once the next chunk has
// arrived (its synthesis margin). So an input sample may wait two chunks
// plus the analysis margin (plus the resamplers' look-ahead when the rate is
// not the model's) before its decoded sample exists; every output sample is
// delayed by that much (or by the bitrate's 10 s prefix, if longer), and the
// first `latency` output samples are silence.
// LADSPA has no end-of-stream call: with latency=1 FFmpeg drops those first
// samples and feeds `latency` zeros after the input, which pushes the last
// samples out, so the output has the input's length and timing. Without it
// the output starts with `latency` samples of silence and loses the last
// `latency` samples. With latency=1 the output equals `lcodec encode` +
// `lcodec decode` of the input followed by those zeros (trimmed to the
// input's length); only the end can differ from a round trip of the bare
// input, whose last chunk `lcodec encode` codes knowing where it ends.
// ffmpeg 5.1 hangs with latency=1 on inputs shorter than the latency: all
// that comes out is then made from its padding frames, which carry no
// timestamp. Delaying by hand works for any length:
//   -af "apad=pad_len=L,ladspa=...,atrim=start_sample=L,asetpts=PTS-STARTPTS"
//
// The model is the shipped one, or the file $LCODEC_LADSPA_MODEL (LADSPA has
// no string controls). A model that does not load, or a rate the codec
// refuses, fails instantiation with one line on stderr; a block that does
// not code is reported once on stderr, and the output is silent from then on.
#include <ladspa.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "apps/audio_bitrate.h"
#include "decoder/audio_decoder.h"
#include "encoder/audio_encoder.h"
#include "runtime/audio_layout.h"
#include "runtime/audio_model.h"
#include "runtime/resampler.h"

namespace {

using namespace lcodec;

// As `lcodec encode`/`decode` with their default --threads: the analysis's
// libtorch thread count changes the stream's bits, so matching it keeps the
// plugin's output identical to the command line's.
constexpr int kThreads = 2;

// Port numbers: quality, latency, the audio inputs then outputs, and the
// bitrate last (BitratePort), added after the others kept their numbers.
enum ControlPort : unsigned long { kQualityPort = 0, kLatencyPort = 1, kFirstAudioPort = 2 };

constexpr unsigned long BitratePort(int channels) { return kFirstAudioPort + 2 * static_cast<unsigned long>(channels); }

// FFmpeg hands the plugin floats; the stream's header says so.
constexpr int kBitDepth = 32;

// Output frames a Resampler from `in_rate` to `out_rate` holds back while its
// filter waits for input ahead of them: measured on a second of silence, plus
// one for the fractional phase. 0 when the rates are equal (a plain copy).
Status ResamplerHoldback(int in_rate, int out_rate, int64_t* frames) {
  *frames = 0;
  if (in_rate == out_rate) return Status::Ok();
  runtime::Resampler resampler;
  LCODEC_RETURN_IF_ERROR(resampler.Open(1, in_rate, out_rate));
  runtime::PlanarAudio silence(1, std::vector<float>(static_cast<size_t>(in_rate), 0.0f)), out;
  LCODEC_RETURN_IF_ERROR(resampler.Process(silence, in_rate, &out));
  *frames = out_rate - static_cast<int64_t>(out[0].size()) + 1;
  return Status::Ok();
}

struct Instance {
  int channels = 0;
  int rate = 0;
  int64_t codec_latency = 0;  // output samples, at a fixed quality
  int64_t latency = 0;        // output samples, as reported: set at the first block
  runtime::AudioModel model;
  std::vector<LADSPA_Data*> inputs, outputs;
  LADSPA_Data* quality_port = nullptr;
  LADSPA_Data* latency_port = nullptr;
  LADSPA_Data* bitrate_port = nullptr;

  bool started = false;
  Status failure;  // the first failure; the output is silent after it
  double bits_per_second = 0;  // the bitrate control at the first block; 0: off
  bool searching = false;      // holding the prefix the bitrate's quality is searched on
  Audio prefix;
  encoder::AudioEncodeOptions encode;
  encoder::AudioEncoder encoder;
  decoder::AudioDecoder decoder;
  std::vector<float> block;             // this block's input, interleaved
  std::deque<float> decoded;            // decoded frames not yet output, interleaved
  int64_t silence_left = 0;             // leading silent frames still to output
  std::vector<bitstream::Section> sections;
  Audio ready;

  void Report(const Status& status) {
    if (!failure.ok()) return;
    failure = status;
    std::fprintf(stderr, "lcodec LADSPA filter: %s; the output is silent from here on\n", status.ToString().c_str());
  }

  // Loads the model and works out the latency; false (after one line on stderr) if either fails.
  bool Open(int channel_count, unsigned long sample_rate) {
    channels = channel_count;
    inputs.assign(static_cast<size_t>(channels), nullptr);
    outputs.assign(static_cast<size_t>(channels), nullptr);
    const char* model_path = std::getenv("LCODEC_LADSPA_MODEL");
    Status status = runtime::CheckAudioFormat(channels, static_cast<int64_t>(sample_rate));
    rate = static_cast<int>(sample_rate);  // within kMaxAudioRate once checked
    if (status.ok()) status = runtime::AudioModel::Load(model_path ? model_path : LCODEC_DEFAULT_AUDIO_MODEL, &model);
    if (status.ok()) status = ComputeLatency();
    if (!status.ok()) std::fprintf(stderr, "lcodec LADSPA filter: %s\n", status.ToString().c_str());
    return status.ok();
  }

  Status ComputeLatency() {
    const int model_rate = model.sample_rate();
    int64_t encoder_holdback = 0, decoder_holdback = 0;
    LCODEC_RETURN_IF_ERROR(ResamplerHoldback(rate, model_rate, &encoder_holdback));
    LCODEC_RETURN_IF_ERROR(ResamplerHoldback(model_rate, rate, &decoder_holdback));
    // Model-rate samples an input sample may wait, then in output samples.
    const int64_t wait = 2 * runtime::ChunkSamples(model, encoder::AudioEncodeOptions().chunk_seconds) +
                         model.analysis_margin() + encoder_holdback;
    codec_latency = (wait * rate + model_rate - 1) / model_rate + decoder_holdback;
    return Status::Ok();
  }

  // The bitrate control in bits per second; 0 when off or not connected.
  double TargetBitsPerSecond() const { return bitrate_port && *bitrate_port > 0 ? 1000.0 * *bitrate_port : 0; }

  // With a bitrate nothing is coded before the prefix its quality is searched on is in.
  int64_t LatencyFor(double target_bits_per_second) const {
    return target_bits_per_second > 0 ? std::max(codec_latency, apps::RatePrefixFrames(rate)) : codec_latency;
  }

  double Quality() const {
    const double quality = *quality_port;
    const double clamped = std::clamp(quality, model.quality_min(), model.quality_max());
    if (clamped != quality)
      std::fprintf(stderr, "lcodec LADSPA filter: quality %g is outside [%g, %g] for model '%s'; using %g\n", quality,
                   model.quality_min(), model.quality_max(), model.name().c_str(), clamped);
    return clamped;
  }

  // Latches the controls and the latency, and starts the codec unless the
  // quality has to wait for the bitrate's search.
  Status Start() {
    started = true;
    torch::set_num_threads(kThreads);  // on the thread that runs the transforms (a per-thread setting)
    encode.threads = kThreads;
    bits_per_second = TargetBitsPerSecond();
    latency = LatencyFor(bits_per_second);
    silence_left = latency;
    searching = bits_per_second > 0;
    if (searching) {
      prefix = Audio{rate, channels, kBitDepth, {}};
      return Status::Ok();
    }
    return StartCodec(Quality());
  }

  Status StartCodec(double quality) {
    encode.quality = quality;
    bitstream::StreamHeader header;
    LCODEC_RETURN_IF_ERROR(encoder.Start(&model, rate, channels, kBitDepth, encode, &header));
    // The stream has no end the decoder could know of: it must emit every
    // sample it can, never stop at a length.
    header.frame_count = std::numeric_limits<uint64_t>::max();
    decoder::AudioDecodeOptions decode;
    decode.threads = kThreads;
    return decoder.Start(&model, header, decode);
  }

  // Codes `frames` interleaved frames and queues the decoded frames that come out.
  Status Code(const float* samples, int64_t frames) {
    sections.clear();
    LCODEC_RETURN_IF_ERROR(encoder.Write(samples, frames, &sections));
    for (const bitstream::Section& section : sections) {
      LCODEC_RETURN_IF_ERROR(decoder.Add(section, &ready));
      decoded.insert(decoded.end(), ready.samples.begin(), ready.samples.end());
    }
    return Status::Ok();
  }

  // Holds `frames` more frames of the prefix; once it is complete, finds the
  // quality on it as `lcodec encode -b` does and codes everything so far.
  Status Search(const float* samples, int64_t frames) {
    const int64_t prefix_frames = apps::RatePrefixFrames(rate);
    const int64_t taken = std::min(frames, prefix_frames - prefix.frames());
    prefix.samples.insert(prefix.samples.end(), samples, samples + taken * channels);
    if (prefix.frames() < prefix_frames) return Status::Ok();
    searching = false;
    double quality = 0;
    LCODEC_RETURN_IF_ERROR(apps::QualityForBitrate(model, prefix, bits_per_second, encode, &quality));
    std::fprintf(stderr, "lcodec LADSPA filter: quality %.4f for %g kbps\n", quality, bits_per_second / 1000);
    LCODEC_RETURN_IF_ERROR(StartCodec(quality));
    LCODEC_RETURN_IF_ERROR(Code(prefix.samples.data(), prefix.frames()));
    prefix = Audio();  // its memory is no longer needed
    return Code(samples + taken * channels, frames - taken);
  }

  void Run(unsigned long frames) {
    if (!started) {
      const Status status = Start();
      if (!status.ok()) Report(status);
    }
    if (latency_port) *latency_port = static_cast<LADSPA_Data>(latency);
    // All input is read before any output is written: FFmpeg may run in place.
    block.resize(frames * static_cast<size_t>(channels));
    for (unsigned long i = 0; i < frames; ++i)
      for (int c = 0; c < channels; ++c) block[i * channels + c] = inputs[c][i];
    if (failure.ok()) {
      const auto count = static_cast<int64_t>(frames);
      const Status status = searching ? Search(block.data(), count) : Code(block.data(), count);
      if (!status.ok()) Report(status);
    }
    for (unsigned long i = 0; i < frames; ++i) {
      bool audible = silence_left == 0 && failure.ok();
      if (silence_left > 0) {
        --silence_left;
      } else if (audible && decoded.size() < static_cast<size_t>(channels)) {
        Report(Status::InvalidArgument("the decoder fell behind the reported latency of " + std::to_string(latency) +
                                       " samples (a bug: please report it with the sample rate)"));
        audible = false;
      }
      for (int c = 0; c < channels; ++c) {
        outputs[c][i] = audible ? decoded.front() : 0.0f;
        if (audible) decoded.pop_front();
      }
    }
  }
};

// The two plugins' port tables: quality, latency, the audio inputs and outputs, then bitrate.
template <int kChannels>
struct Ports {
  static constexpr unsigned long kCount = BitratePort(kChannels) + 1;
  LADSPA_PortDescriptor descriptors[kCount];
  const char* names[kCount];
  LADSPA_PortRangeHint hints[kCount] = {};

  explicit Ports(const char* const (&audio_names)[2 * kChannels]) {
    descriptors[kQualityPort] = LADSPA_PORT_INPUT | LADSPA_PORT_CONTROL;
    names[kQualityPort] = "quality";
    descriptors[kLatencyPort] = LADSPA_PORT_OUTPUT | LADSPA_PORT_CONTROL;
    names[kLatencyPort] = "latency";
    for (int i = 0; i < 2 * kChannels; ++i) {
      descriptors[kFirstAudioPort + i] = (i < kChannels ? LADSPA_PORT_INPUT : LADSPA_PORT_OUTPUT) | LADSPA_PORT_AUDIO;
      names[kFirstAudioPort + i] = audio_names[i];
    }
    descriptors[BitratePort(kChannels)] = LADSPA_PORT_INPUT | LADSPA_PORT_CONTROL;
    names[BitratePort(kChannels)] = "bitrate in kbps (0: use quality)";
    // A default makes the control optional, so that c0 alone keeps working.
    hints[BitratePort(kChannels)] = {LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_DEFAULT_0, 0, 0};
  }
};

const Ports<1> kMonoPorts({"input", "output"});
const Ports<2> kStereoPorts({"left input", "right input", "left output", "right output"});

Instance* Get(LADSPA_Handle handle) { return static_cast<Instance*>(handle); }

LADSPA_Handle Instantiate(const LADSPA_Descriptor* descriptor, unsigned long sample_rate) {
  auto* instance = new Instance;
  if (instance->Open(static_cast<int>(reinterpret_cast<intptr_t>(descriptor->ImplementationData)), sample_rate))
    return instance;
  delete instance;
  return nullptr;
}

void ConnectPort(LADSPA_Handle handle, unsigned long port, LADSPA_Data* data) {
  Instance* instance = Get(handle);
  const auto channels = static_cast<unsigned long>(instance->channels);
  if (port == kQualityPort) instance->quality_port = data;
  else if (port == kLatencyPort) instance->latency_port = data;
  else if (port == BitratePort(instance->channels)) instance->bitrate_port = data;
  else if (port < kFirstAudioPort + channels) instance->inputs[port - kFirstAudioPort] = data;
  else if (port < kFirstAudioPort + 2 * channels) instance->outputs[port - kFirstAudioPort - channels] = data;
}

// Hosts may read the latency before the first block; it follows the bitrate control until then.
void Activate(LADSPA_Handle handle) {
  Instance* instance = Get(handle);
  if (instance->latency_port)
    *instance->latency_port = static_cast<LADSPA_Data>(instance->LatencyFor(instance->TargetBitsPerSecond()));
}

void Run(LADSPA_Handle handle, unsigned long frames) { Get(handle)->Run(frames); }

void Cleanup(LADSPA_Handle handle) { delete Get(handle); }

template <int kChannels>
LADSPA_Descriptor MakeDescriptor(unsigned long id, const char* label, const char* name, const Ports<kChannels>& ports) {
  LADSPA_Descriptor descriptor = {};
  descriptor.UniqueID = id;
  descriptor.Label = label;
  descriptor.Name = name;
  descriptor.Maker = "lcodec";
  descriptor.Copyright = "None";
  descriptor.PortCount = Ports<kChannels>::kCount;
  descriptor.PortDescriptors = ports.descriptors;
  descriptor.PortNames = ports.names;
  descriptor.PortRangeHints = ports.hints;
  descriptor.ImplementationData = reinterpret_cast<void*>(static_cast<intptr_t>(kChannels));
  descriptor.instantiate = Instantiate;
  descriptor.connect_port = ConnectPort;
  descriptor.activate = Activate;
  descriptor.run = Run;
  descriptor.cleanup = Cleanup;
  return descriptor;
}

// IDs from LADSPA's range for unregistered plugins (1..1000).
const LADSPA_Descriptor kDescriptors[] = {
    MakeDescriptor(901, "lcodec_stereo", "lcodec learned audio codec (stereo, coded as mid/side)", kStereoPorts),
    MakeDescriptor(902, "lcodec_mono", "lcodec learned audio codec (mono, one per channel)", kMonoPorts),
};

}  // namespace

extern "C" const LADSPA_Descriptor* ladspa_descriptor(unsigned long index) {
  return index < std::size(kDescriptors) ? &kDescriptors[index] : nullptr;
}
