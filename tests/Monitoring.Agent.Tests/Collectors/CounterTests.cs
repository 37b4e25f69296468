using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class CounterTests
{
    [Theory]
    [InlineData(100UL, 250UL, 32, 150UL)]
    [InlineData(4_294_967_290UL, 4UL, 32, 10UL)]
    [InlineData(4_294_967_295UL, 0UL, 32, 1UL)]
    [InlineData(2_147_483_647UL, 5UL, 32, 5UL)]
    [InlineData(5_000_000_000UL, 7UL, 32, 7UL)]
    [InlineData(18_446_744_073_709_551_610UL, 4UL, 64, 10UL)]
    [InlineData(4_294_967_290UL, 4UL, 64, 4UL)]
    [InlineData(7UL, 7UL, 64, 0UL)]
    public void A_counter_that_went_backwards_wrapped_from_the_upper_half_of_its_range_and_was_reset_otherwise(
        ulong earlier, ulong later, int bits, ulong expected)
    {
        Assert.Equal(expected, Counter.Delta(earlier, later, bits));
    }
}
