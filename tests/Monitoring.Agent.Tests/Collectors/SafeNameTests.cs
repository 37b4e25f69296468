using Monitoring.Agent.Collectors;

namespace Monitoring.Agent.Tests.Collectors;

public sealed class SafeNameTests
{
    [Theory]
    [InlineData("Package id 0", 256, "Package id 0")]
    [InlineData("tab\there", 256, "tab\uFFFDhere")]
    [InlineData("a\u202Eb\u200Bc\u2066d", 256, "a\uFFFDb\uFFFDc\uFFFDd")]
    [InlineData("abcdef", 4, "abcd")]
    [InlineData("ab\u0001def", 4, "ab\uFFFDd")]
    [InlineData("abc\U0001F600", 4, "abc")]
    public void Unsafe_characters_are_replaced_and_the_name_is_cut_without_splitting_a_character(string name, int maxLength, string expected)
    {
        Assert.Equal(expected, SafeName.Clean(name, maxLength));
    }
}
