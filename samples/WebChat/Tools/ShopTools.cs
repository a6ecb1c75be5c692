using IpyBox.AI;
using Microsoft.Extensions.AI;

/// <summary>A host tool the sandbox's code can call (<c>mcptools.shop.exchange_rate</c>), each call approved by the user.</summary>
internal static class ShopTools
{
    private static readonly Dictionary<string, double> s_perDollar = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EUR"] = 0.92,
        ["GBP"] = 0.79,
        ["JPY"] = 151.3,
        ["CHF"] = 0.88,
    };

    /// <summary>The tool set every conversation's sandbox gets.</summary>
    public static HostToolSet Create() => new(
        "shop",
        [AIFunctionFactory.Create(ExchangeRate, "exchange_rate", "Returns how many units of a currency one US dollar buys (EUR, GBP, JPY or CHF).")],
        "The shop's reference data: exchange rates.");

    private static double ExchangeRate(string currency) =>
        s_perDollar.TryGetValue(currency, out var rate) ? rate : throw new ArgumentException($"No rate for '{currency}'; known: {string.Join(", ", s_perDollar.Keys)}.");
}
