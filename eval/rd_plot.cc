#include "eval/rd_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "eval/report.h"

namespace lcodec::eval {
namespace {

constexpr int kPanelWidth = 520, kPanelHeight = 400;
constexpr int kLeft = 60, kRight = 20, kTop = 40, kBottom = 50;  // margins inside a panel
const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string Format(const char* format, double v) {
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

std::string Escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

// A step of 1, 2 or 5 times a power of ten giving about five ticks.
double TickStep(double range) {
  const double raw = range / 5, power = std::pow(10, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0})
    if (m * power >= raw) return m * power;
  return 10 * power;
}

struct Series {
  std::vector<std::pair<double, double>> points;  // (bpp, quality)
};

std::string Panel(const std::vector<Curve>& curves, const std::vector<Series>& series, int x0, const std::string& x_label,
                  const std::string& y_label) {
  double x_max = 0, y_min = 1e9, y_max = -1e9;
  for (const Series& s : series)
    for (const auto& [x, y] : s.points) x_max = std::max(x_max, x), y_min = std::min(y_min, y), y_max = std::max(y_max, y);
  std::string svg;
  if (x_max <= 0) return svg;
  const double x_step = TickStep(x_max);
  x_max = std::ceil(x_max / x_step) * x_step;
  if (y_max - y_min < 1e-6) y_min -= 1, y_max += 1;
  const double y_step = TickStep(y_max - y_min);
  y_min = std::floor(y_min / y_step) * y_step;
  y_max = std::ceil(y_max / y_step) * y_step;
  const double w = kPanelWidth - kLeft - kRight, h = kPanelHeight - kTop - kBottom;
  auto px = [&](double x) { return x0 + kLeft + w * x / x_max; };
  auto py = [&](double y) { return kTop + h * (1 - (y - y_min) / (y_max - y_min)); };
  svg += "<rect x=\"" + Format("%.1f", px(0)) + "\" y=\"" + Format("%.1f", py(y_max)) + "\" width=\"" +
         Format("%.1f", w) + "\" height=\"" + Format("%.1f", h) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  for (double x = 0; x <= x_max + 1e-9; x += x_step) {
    svg += "<line x1=\"" + Format("%.1f", px(x)) + "\" y1=\"" + Format("%.1f", py(y_min)) + "\" x2=\"" +
           Format("%.1f", px(x)) + "\" y2=\"" + Format("%.1f", py(y_max)) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + Format("%.1f", px(x)) + "\" y=\"" + Format("%.1f", py(y_min) + 16) +
           "\" text-anchor=\"middle\">" + Format("%g", x) + "</text>\n";
  }
  for (double y = y_min; y <= y_max + 1e-9; y += y_step) {
    svg += "<line x1=\"" + Format("%.1f", px(0)) + "\" y1=\"" + Format("%.1f", py(y)) + "\" x2=\"" +
           Format("%.1f", px(x_max)) + "\" y2=\"" + Format("%.1f", py(y)) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + Format("%.1f", px(0) - 6) + "\" y=\"" + Format("%.1f", py(y) + 4) +
           "\" text-anchor=\"end\">" + Format("%g", y) + "</text>\n";
  }
  svg += "<text x=\"" + Format("%.1f", px(x_max / 2)) + "\" y=\"" + Format("%.0f", kPanelHeight - 12) +
         "\" text-anchor=\"middle\">" + x_label + "</text>\n";
  svg += "<text transform=\"translate(" + Format("%.0f", x0 + 16) + "," + Format("%.1f", kTop + h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + y_label + "</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const char* colour = kColours[i % (sizeof kColours / sizeof kColours[0])];
    std::string path;
    for (const auto& [x, y] : series[i].points) {
      path += Format("%.1f", px(x)) + "," + Format("%.1f", py(y)) + " ";
      svg += "<circle cx=\"" + Format("%.1f", px(x)) + "\" cy=\"" + Format("%.1f", py(y)) + "\" r=\"3\" fill=\"" +
             colour + "\"/>\n";
    }
    svg += "<polyline points=\"" + path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.5\"><title>" +
           Escape(curves[i].name) + "</title></polyline>\n";
  }
  return svg;
}

}  // namespace

std::string RdPlotSvg(const std::vector<Curve>& curves, const std::string& title) {
  const Media media = curves.empty() ? Media::kImage : curves[0].media;
  // One panel per plotted axis that some curve has.
  std::vector<const QualityAxis*> axes;
  for (const QualityAxis& axis : QualityAxes(media)) {
    bool present = false;
    for (const Curve& c : curves) present |= c.Metric(axis.key) != nullptr;
    if (!axis.plot_title.empty() && present) axes.push_back(&axis);
  }
  std::vector<std::vector<Series>> panels(axes.size(), std::vector<Series>(curves.size()));
  for (size_t a = 0; a < axes.size(); ++a)
    for (size_t i = 0; i < curves.size(); ++i) {
      const Curve& c = curves[i];
      const std::vector<double>* values = c.Metric(axes[a]->key);
      for (size_t k = 0; values && k < c.rate.size() && k < values->size(); ++k)
        panels[a][i].points.push_back({c.rate[k], axes[a]->quality((*values)[k])});
      std::sort(panels[a][i].points.begin(), panels[a][i].points.end());
    }
  const int legend_height = 24 * static_cast<int>((curves.size() + 3) / 4) + 10;
  const int width = std::max<int>(2, static_cast<int>(axes.size())) * kPanelWidth, height = kPanelHeight + legend_height + 10;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n" +
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"" + std::to_string(width / 2) +
                    "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" + Escape(title) + "</text>\n";
  const std::string x_label = media == Media::kImage ? "bits per pixel" : "kbps";
  for (size_t a = 0; a < axes.size(); ++a)
    svg += Panel(curves, panels[a], static_cast<int>(a) * kPanelWidth, x_label, axes[a]->plot_title);
  for (size_t i = 0; i < curves.size(); ++i) {
    const int x = kLeft + 240 * static_cast<int>(i % 4), y = kPanelHeight + 20 + 24 * static_cast<int>(i / 4);
    const char* colour = kColours[i % (sizeof kColours / sizeof kColours[0])];
    svg += "<line x1=\"" + std::to_string(x) + "\" y1=\"" + std::to_string(y - 4) + "\" x2=\"" + std::to_string(x + 24) +
           "\" y2=\"" + std::to_string(y - 4) + "\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
    svg += "<text x=\"" + std::to_string(x + 30) + "\" y=\"" + std::to_string(y) + "\">" + Escape(curves[i].name) +
           "</text>\n";
  }
  return svg + "</svg>\n";
}

}  // namespace lcodec::eval
