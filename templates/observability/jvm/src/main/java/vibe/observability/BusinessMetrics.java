package vibe.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Business metrics of {{ app.slug }} (from vibe.yaml), ready to call from the business logic.
 * Pass the label values in the declared order:
 * <pre>
{%- for m in app.metrics %}
 * BusinessMetrics.{{ m.name | replace(from=":", to="_") | upper }}.labels({% for l in m.labels %}"{{ l }}-value"{% if not loop.last %}, {% endif %}{% endfor %}).{% if m.type == "counter" %}increment(){% elif m.type == "gauge" %}set(42){% else %}record(0.25){% endif %};
{%- endfor %}
 * </pre>
 * The exposed series names are exactly the declared ones (Micrometer's Prometheus registry adds
 * {@code _total} back to counters; histograms add {@code _bucket}, {@code _count}, {@code _sum} and {@code _max}).
 */
public final class BusinessMetrics {

{%- for m in app.metrics %}
{%- set java_help = m.help | replace(from="\\", to="\\\\") | replace(from="\"", to="\\\"") %}

    /** {{ m.name }} ({{ m.type }}{% if m.labels | length > 0 %}; labels: {{ m.labels | join(sep=", ") }}{% endif %}): {{ m.help | replace(from="\\", to="&#92;") | replace(from="*/", to="*&#47;") }} */
    public static final {% if m.type == "counter" %}CounterFamily{% elif m.type == "gauge" %}GaugeFamily{% else %}HistogramFamily{% endif %} {{ m.name | replace(from=":", to="_") | upper }} =
            new {% if m.type == "counter" %}CounterFamily{% elif m.type == "gauge" %}GaugeFamily{% else %}HistogramFamily{% endif %}("{{ m.name }}", "{{ java_help }}"{% for l in m.labels %}, "{{ l }}"{% endfor %});
{%- endfor %}

    private BusinessMetrics() {
    }

    /** Registers the metrics without labels now, so they are exposed before their first use. */
    static void registerAll() {
{%- for m in app.metrics %}
{%- if m.labels | length == 0 %}
        {{ m.name | replace(from=":", to="_") | upper }}.labels();
{%- endif %}
{%- endfor %}
    }

    private abstract static class Family<T> {
        final String name;
        final String help;
        final String[] labelNames;
        private final ConcurrentHashMap<List<String>, T> children = new ConcurrentHashMap<>();

        Family(String name, String help, String... labelNames) {
            this.name = name;
            this.help = help;
            this.labelNames = labelNames;
        }

        /** The series for these label values, in the declared label order. */
        public T labels(String... values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes " + labelNames.length + " label values: "
                        + String.join(", ", labelNames));
            }
            return children.computeIfAbsent(Arrays.asList(values.clone()), key -> create(tags(values)));
        }

        Tags tags(String[] values) {
            Tags tags = Tags.empty();
            for (int i = 0; i < labelNames.length; i++) {
                tags = tags.and(labelNames[i], values[i]);
            }
            return tags;
        }

        abstract T create(Tags tags);
    }

    /** A counter: {@code labels(...).increment()}. */
    public static final class CounterFamily extends Family<Counter> {
        CounterFamily(String name, String help, String... labelNames) {
            super(name, help, labelNames);
        }

        @Override
        Counter create(Tags tags) {
            return Counter.builder(name).description(help).tags(tags).register(VibeObservability.REGISTRY);
        }
    }

    /** A gauge: {@code labels(...).set(value)}, {@code inc()}, {@code dec()}. */
    public static final class GaugeFamily extends Family<GaugeValue> {
        GaugeFamily(String name, String help, String... labelNames) {
            super(name, help, labelNames);
        }

        @Override
        GaugeValue create(Tags tags) {
            GaugeValue value = new GaugeValue();
            Gauge.builder(name, value, GaugeValue::get).description(help).tags(tags).strongReference(true)
                    .register(VibeObservability.REGISTRY);
            return value;
        }
    }

    /** A histogram: {@code labels(...).record(value)}. */
    public static final class HistogramFamily extends Family<DistributionSummary> {
        HistogramFamily(String name, String help, String... labelNames) {
            super(name, help, labelNames);
        }

        @Override
        DistributionSummary create(Tags tags) {
            return DistributionSummary.builder(name).description(help).tags(tags)
                    .serviceLevelObjectives(VibeObservability.DEFAULT_BUCKETS)
                    .register(VibeObservability.REGISTRY);
        }
    }

    /** The current value of one gauge series. */
    public static final class GaugeValue {
        private final AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));

        public double get() {
            return Double.longBitsToDouble(bits.get());
        }

        public void set(double value) {
            bits.set(Double.doubleToLongBits(value));
        }

        public void inc() {
            add(1);
        }

        public void dec() {
            add(-1);
        }

        public void add(double delta) {
            bits.updateAndGet(current -> Double.doubleToLongBits(Double.longBitsToDouble(current) + delta));
        }
    }
}
