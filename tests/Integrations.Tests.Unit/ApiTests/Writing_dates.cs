using Integrations.ApiTest;

namespace Integrations.Tests.Unit.ApiTests;

public sealed class Writing_dates
{
    private static readonly DateTimeOffset At = new(2024, 3, 5, 14, 7, 9, 123, TimeSpan.FromHours(2));
    private static readonly Dictionary<string, string> None = [];

    [Theory]
    [InlineData("default", "2024-03-05T14:07:09")]
    [InlineData("yyyy-MM-dd HH:mm", "2024-03-05 14:07")]
    [InlineData("dd/MM/yyyy", "05/03/2024")]
    public void A_format_is_a_name_or_a_dotnet_format(string format, string written) =>
        Assert.Equal(written, Dates.Format(At, format, None));

    [Theory]
    [InlineData("YYYY-MM-DD", "2024-03-05")]
    [InlineData("YY-M-D", "24-3-5")]
    [InlineData("MMMM MMM", "March Mar")]
    [InlineData("DDDD DDD Do", "065 65 5th")]
    [InlineData("dddd ddd d", "Tuesday Tue 2")]
    [InlineData("HH H hh h A a", "14 14 02 2 PM pm")]
    [InlineData("mm m ss s", "07 7 09 9")]
    [InlineData("SSS SSSSSS S", "123 123000 1")]
    [InlineData("ZZ Z", "+02:00 +0200")]
    [InlineData("X", "1709640429")]
    [InlineData("[Today is] dddd", "Today is Tuesday")]
    [InlineData("YYYY-MM-DDTHH:mm:ss.SSS", "2024-03-05T14:07:09.123")]
    public void A_named_format_is_written_in_zatos_tokens(string zato, string written) =>
        Assert.Equal(written, Dates.Format(At, "mine", new Dictionary<string, string> { ["mine"] = zato }));

    [Fact]
    public void A_format_that_is_neither_says_how_to_write_one() =>
        Assert.Contains("nor a date format such as yyyy-MM-dd", Assert.Throws<FormatException>(() => Dates.Format(At, "Q", None)).Message);

    [Theory]
    [InlineData("2", 2)]
    [InlineData("1.5", 1.5)]
    [InlineData("500 ms", 0.5)]
    [InlineData("90 seconds", 90)]
    [InlineData("1 hour 30 minutes", 5400)]
    [InlineData("1 hour and 30 minutes", 5400)]
    [InlineData("1h30m", 5400)]
    [InlineData("2 days", 172800)]
    [InlineData("1 week", 604800)]
    public void An_interval_is_seconds_or_numbers_with_units(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Interval.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("2 fortnights")]
    [InlineData("1 hour 30")]
    public void What_is_not_an_interval_is_refused_with_examples(string text) =>
        Assert.Contains("is not a length of time: write seconds", Assert.Throws<FormatException>(() => Interval.Parse(text)).Message);

    [Fact]
    public void Random_dates_fall_where_the_step_says()
    {
        var start = Dates.Parse("2020-01-01");
        var end = Dates.Parse("2020-12-31T12:00:00");
        Assert.Equal(TimeSpan.Zero, start.Offset);
        for (var i = 0; i < 200; i++)
        {
            var random = new Random(i);
            Assert.True(Dates.After(start, random) > start);
            Assert.True(Dates.Before(start, random) < start);
            Assert.InRange(Dates.Between(end, start, random), start, end);
            Assert.InRange(Dates.Anytime(start, random), start.AddYears(-101), start.AddYears(101));
        }
        Assert.Equal(start, Dates.Between(start, start, new Random(1)));
    }

    [Fact]
    public void A_date_that_is_not_one_says_how_to_write_it() =>
        Assert.Contains("is not a date: write it as 2024-05-19", Assert.Throws<FormatException>(() => Dates.Parse("next tuesday")).Message);
}
