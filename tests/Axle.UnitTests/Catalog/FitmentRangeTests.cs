using Axle.Api.Features.Catalog;

namespace Axle.UnitTests.Catalog;

public sealed class FitmentRangeTests
{
    private static GetPart.FitmentRow Row(int year, string engine = "2.5L I4", string? position = "Front") =>
        new(year, "Toyota", "Camry", null, engine, position, 1, null);

    [Fact]
    public void Consecutive_years_of_the_same_configuration_collapse_into_ranges()
    {
        var ranges = GetPart.CollapseYears([Row(2020), Row(2018), Row(2019), Row(2022), Row(2019, "3.5L V6"), Row(2019, position: "Rear")]);

        Assert.Equal(
            ["2022-2022 2.5L I4 Front", "2018-2020 2.5L I4 Front", "2019-2019 2.5L I4 Rear", "2019-2019 3.5L V6 Front"],
            ranges.Select(r => $"{r.YearFrom}-{r.YearTo} {r.Engine} {r.Position}"));
    }

    [Fact]
    public void Duplicate_years_do_not_break_a_range()
    {
        var range = Assert.Single(GetPart.CollapseYears([Row(2018), Row(2018), Row(2019)]));
        Assert.Equal((2018, 2019), (range.YearFrom, range.YearTo));
    }

    [Fact]
    public void Fitment_note_joins_position_and_notes_without_repeating_the_position()
    {
        Assert.Equal("Front; with sensor", SearchParts.Note("Front", "with sensor"));
        Assert.Equal("Front; 2.5L I4", SearchParts.Note("Front", "Front; 2.5L I4"));
        Assert.Equal("Rear", SearchParts.Note("Rear", null));
        Assert.Null(SearchParts.Note(null, " "));
    }
}
