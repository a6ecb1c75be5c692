using System.Globalization;

/// <summary>Measurements of one figure, in milliseconds or any other unit.</summary>
internal sealed class Samples(IEnumerable<double> values)
{
    private readonly double[] _sorted = [.. values.Order()];

    public int Count => _sorted.Length;

    public double Median => Percentile(0.50);

    public double P95 => Percentile(0.95);

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(p * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public static string Ms(double value) =>
        value.ToString(value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";
}
