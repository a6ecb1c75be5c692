using Microsoft.SemanticKernel;

namespace IpyBox.AI;

/// <summary>
/// Finds the conversation key of a tool call in the data of the Semantic Kernel it came through:
/// <see cref="IpyBoxConversation.PropertyName"/> in <see cref="Kernel.Data"/>. A kernel is not ambient, it arrives as a
/// parameter of each <see cref="KernelFunctionAttribute">kernel function</see>, so <see cref="IpyBoxPlugin"/> makes one source
/// per call.
/// </summary>
/// <param name="kernel">The kernel the call came through, or <see langword="null"/> when it came through none.</param>
internal sealed class KernelDataConversationKeySource(Kernel? kernel) : IConversationKeySource
{
    /// <summary>Returns the key in the kernel's data; <see langword="null"/> without a kernel or when its data carry none.</summary>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public string? GetConversationKey() => IpyBoxConversation.KeyIn(kernel?.Data);
}
