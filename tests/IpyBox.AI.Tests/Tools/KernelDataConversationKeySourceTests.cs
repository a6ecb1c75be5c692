using System.Globalization;
using Microsoft.SemanticKernel;

namespace IpyBox.AI.Tests.Tools;

/// <summary>The Semantic Kernel route: the key in the data of the kernel a call came through.</summary>
public sealed class KernelDataConversationKeySourceTests
{
    [Fact]
    public void Without_a_kernel_or_a_key_in_its_data_there_is_no_key()
    {
        Assert.Null(new KernelDataConversationKeySource(null).GetConversationKey());
        Assert.Null(new KernelDataConversationKeySource(new Kernel()).GetConversationKey());

        var kernel = new Kernel();
        kernel.Data["other"] = "thread-1";
        Assert.Null(new KernelDataConversationKeySource(kernel).GetConversationKey());
    }

    [Fact]
    public void The_key_is_read_from_the_kernel_data_when_asked()
    {
        var kernel = new Kernel();
        var source = new KernelDataConversationKeySource(kernel);
        kernel.Data[IpyBoxConversation.PropertyName] = "thread-sk";

        Assert.Equal("thread-sk", source.GetConversationKey());

        kernel.Data[IpyBoxConversation.PropertyName] = "thread-sk-2";
        Assert.Equal("thread-sk-2", source.GetConversationKey());
    }

    [Fact]
    public void Blank_keys_count_as_none_and_other_values_are_read_in_the_invariant_culture()
    {
        var kernel = new Kernel();
        var source = new KernelDataConversationKeySource(kernel);

        kernel.Data[IpyBoxConversation.PropertyName] = " ";
        Assert.Null(source.GetConversationKey());
        kernel.Data[IpyBoxConversation.PropertyName] = null;
        Assert.Null(source.GetConversationKey());

        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            kernel.Data[IpyBoxConversation.PropertyName] = 1234.5;
            Assert.Equal("1234.5", source.GetConversationKey());
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
