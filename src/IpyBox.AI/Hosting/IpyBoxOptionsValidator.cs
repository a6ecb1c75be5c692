using Microsoft.Extensions.Options;

namespace IpyBox.AI;

/// <summary>Validates <see cref="IpyBoxOptions"/> once, when they are first used through dependency injection.</summary>
public sealed class IpyBoxOptionsValidator : IValidateOptions<IpyBoxOptions>
{
    /// <summary>Checks the options.</summary>
    /// <param name="name">The options name.</param>
    /// <param name="options">The options.</param>
    /// <returns>Success, or a failure whose message says how to fix the problem.</returns>
    public ValidateOptionsResult Validate(string? name, IpyBoxOptions options)
    {
        Throw.IfNull(options);
        return IpyBoxOptions.Validation.FirstError(options) is { } error
            ? ValidateOptionsResult.Fail(error)
            : ValidateOptionsResult.Success;
    }
}
