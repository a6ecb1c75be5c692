/// <summary>One row of the result table: a figure, what it is compared with in the same run, and the target.</summary>
internal sealed record Figure(string Section, string What, string Result, string Floor = "", string Ratio = "", string Target = "", bool? Met = null)
{
    public string MetText => Met switch { true => "yes", false => "no", null => "" };
}
