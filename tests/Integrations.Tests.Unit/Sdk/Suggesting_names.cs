using Integrations.Runtime;

namespace Integrations.Tests.Unit.Sdk;

public sealed class Suggesting_names
{
    private static readonly string[] Commands = ["services", "security", "scheduler", "deploy", "deployments", "invoke"];

    [Theory]
    [InlineData("servics", "services")]
    [InlineData("secruity", "security")]
    [InlineData("SCHEDULER", "scheduler")]
    [InlineData("invok", "invoke")]
    [InlineData("depl", "deploy")]
    public void A_slip_of_the_keyboard_finds_what_was_meant(string typed, string meant) =>
        Assert.Equal(meant, Suggestions.Closest(typed, Commands)[0]);

    [Fact]
    public void A_word_far_from_every_name_gets_no_suggestion()
    {
        Assert.Empty(Suggestions.Closest("xyzzy", Commands));
        Assert.Equal("", Suggestions.DidYouMean("xyzzy", Commands));
    }

    [Fact]
    public void Names_as_close_as_each_other_are_all_offered()
    {
        Assert.Equal(["deploy", "deployments"], Suggestions.Closest("dep", Commands));
        Assert.Equal("; did you mean 'deploy' or 'deployments'?", Suggestions.DidYouMean("dep", Commands));
    }

    [Theory]
    [InlineData("teh", "the", 1)]
    [InlineData("adress", "address", 1)]
    [InlineData("kitten", "sitting", 3)]
    public void Edits_count_a_swap_of_neighbours_as_one(string a, string b, int edits) => Assert.Equal(edits, Suggestions.Distance(a, b));
}
