using Axle.Bench.Load;

namespace Axle.UnitTests.Bench;

public sealed class JitWarmupTests
{
    [Fact]
    public void The_compiled_method_count_is_read_from_the_prometheus_exposition()
    {
        const string exposition = """
            # TYPE dotnet_jit_compiled_methods_total counter
            dotnet_jit_compiled_il_size_bytes_total{otel_scope_name="System.Runtime"} 3322180
            dotnet_jit_compiled_methods_total{otel_scope_name="System.Runtime"} 41719
            dotnet_jit_compilation_time_seconds_total{otel_scope_name="System.Runtime"} 17.9360233
            """;

        Assert.Equal(41_719, JitWarmup.CompiledMethods(exposition));
    }

    [Fact]
    public void An_exposition_without_the_counter_gives_no_count() =>
        Assert.Null(JitWarmup.CompiledMethods("dotnet_jit_compiled_il_size_bytes_total 12\nprocess_cpu_count 2\n"));
}
