using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests;

/// <summary>The bounds of a download from a sandbox, on hand-made streams and a fake clock.</summary>
public sealed class TransferGuardTests
{
    private const string Path = "/app/data.bin";
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_total = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _time = new();

    private TransferLimits Limits(long? maxBytes = null) =>
        new(s_idle, "Options.Idle", s_total, "Options.Total", maxBytes, "Options.MaxBytes", _time);

    [Fact]
    public async Task A_read_that_ignores_its_token_ends_at_the_idle_timeout_with_an_error_naming_the_path_and_option()
    {
        using var guard = new TransferGuard(Path, Limits(), CancellationToken.None);
        var source = new StallingStream();
        var reading = guard.RunAsync(token => guard.Watch(source).ReadAsync(new byte[16], token).AsTask());

        _time.Advance(s_idle);

        var error = await Assert.ThrowsAsync<FileTransferTimeoutException>(() => reading.WaitAsync(s_hang));
        Assert.Equal(Path, error.Path);
        Assert.Equal(s_idle, error.Limit);
        Assert.Contains("Options.Idle", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path, error.Message, StringComparison.Ordinal);
        Assert.True(source.Disposed);
    }

    [Fact]
    public async Task Bytes_that_keep_arriving_restart_the_idle_clock_but_not_the_total_one()
    {
        using var guard = new TransferGuard(Path, Limits(), CancellationToken.None);
        var stream = guard.Watch(new MemoryStream(new byte[1000]));
        var buffer = new byte[1];
        var elapsed = TimeSpan.Zero;
        var error = await Assert.ThrowsAsync<FileTransferTimeoutException>(() => guard.RunAsync(async token =>
        {
            // A byte every 20 s, never 30 s without one: only the total bound ends it.
            while (true)
            {
                _time.Advance(TimeSpan.FromSeconds(20));
                elapsed += TimeSpan.FromSeconds(20);
                await stream.ReadExactlyAsync(buffer, token);
            }
        }).WaitAsync(s_hang));

        Assert.Equal(s_total, error.Limit);
        Assert.Contains("Options.Total", error.Message, StringComparison.Ordinal);
        Assert.True(elapsed >= s_total);
    }

    [Fact]
    public async Task A_stream_without_end_is_cut_at_the_size_limit_with_an_error_naming_the_option()
    {
        using var guard = new TransferGuard(Path, Limits(maxBytes: 1 << 20), CancellationToken.None);
        var stream = guard.Watch(new EndlessStream());

        var error = await Assert.ThrowsAsync<IOException>(() => guard.RunAsync(token => stream.CopyToAsync(Stream.Null, token)).WaitAsync(s_hang));

        Assert.Contains("Options.MaxBytes (1048576 bytes)", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path, error.Message, StringComparison.Ordinal);
        Assert.True(guard.Received > 1 << 20);
    }

    [Fact]
    public async Task The_callers_token_ends_a_read_that_ignores_it_at_once()
    {
        using var caller = new CancellationTokenSource();
        using var guard = new TransferGuard(Path, Limits(), caller.Token);
        var source = new StallingStream();
        var reading = guard.RunAsync(token => guard.Watch(source).ReadAsync(new byte[16], token).AsTask());

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(s_hang));
        Assert.True(source.Disposed);
    }

    [Fact]
    public async Task A_transfer_within_its_bounds_arrives_whole_and_is_counted()
    {
        using var guard = new TransferGuard(Path, Limits(maxBytes: 100), CancellationToken.None);
        var target = new MemoryStream();

        await guard.RunAsync(token => guard.Watch(new MemoryStream(new byte[100])).CopyToAsync(target, token));

        Assert.Equal(100, target.Length);
        Assert.Equal(100, guard.Received);
    }

    [Fact]
    public void A_size_over_the_limit_is_refused_before_anything_is_read()
    {
        Limits(maxBytes: 100).ThrowIfTooLarge(Path, 100);
        Limits(maxBytes: null).ThrowIfTooLarge(Path, long.MaxValue);

        var error = Assert.Throws<IOException>(() => Limits(maxBytes: 100).ThrowIfTooLarge(Path, 101));
        Assert.Contains("/app/data.bin has 101 bytes in the sandbox, more than Options.MaxBytes (100 bytes)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A read that never completes and ignores its token; only disposing the stream ends it.</summary>
    private sealed class StallingStream : Stream
    {
        private readonly TaskCompletionSource<int> _read = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(_read.Task);

        public override int Read(byte[] buffer, int offset, int count) => _read.Task.GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            _read.TrySetException(new ObjectDisposedException(nameof(StallingStream)));
            base.Dispose(disposing);
        }
    }

    /// <summary>Zeros without end, as <c>/dev/zero</c> gives them.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
