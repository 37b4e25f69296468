using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Polly;
using Polly.Retry;

namespace Monitoring.Silo.Notifications;

/// <summary>
/// Sends <c>email</c> notifications over SMTP (MailKit): STARTTLS as configured, authentication when a username is set,
/// one message per notification. Transient failures (connection, protocol, 4xx replies) are retried with the same tries
/// and backoff as HTTP deliveries; every attempt is recorded like an HTTP one.
/// </summary>
public sealed partial class EmailSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly NotificationOutbox _outbox;
    private readonly TimeProvider _time;
    private readonly ILogger<EmailSender> _logger;
    private readonly ResiliencePipeline _retry;

    public EmailSender(
        NotificationOutbox outbox,
        IOptions<NotificationOptions> options,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        [FromKeyedServices(TimeProviderNames.SystemTimers)] TimeProvider timers,
        ILogger<EmailSender> logger)
    {
        _outbox = outbox;
        _time = time;
        _logger = logger;
        var settings = options.Value;
        _retry = new ResiliencePipelineBuilder { TimeProvider = timers }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, settings.DeliveryAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.DeliveryBackoff,
                ShouldHandle = args => ValueTask.FromResult(settings.DeliveryAttempts > 1 && args.Outcome.Exception is { } e && IsTransient(e)),
            })
            .Build();
    }

    /// <summary>Whether <paramref name="exception"/> is a failure to deliver a mail (the delivery gives up), not a bug.</summary>
    public static bool IsFailure(Exception exception) =>
        IsTransient(exception) || exception is CommandException or AuthenticationException or SslHandshakeException or NotSupportedException;

    /// <summary>Sends one notification, retries included; throws what the last attempt met once it gives up.</summary>
    public async Task SendAsync(ReceiverOptions receiver, AlertNotification notification, string link, CancellationToken cancellation)
    {
        using var message = NotificationPayloads.Email(notification, receiver.Smtp, link);
        var context = new DeliveryContext(notification.Id, receiver.Name, notification.Alert.Id, notification.Status);
        await _retry.ExecuteAsync(async token => await AttemptAsync(receiver.Smtp, message, context, token), cancellation);
    }

    private static bool IsTransient(Exception exception) =>
        exception is IOException or SocketException or ProtocolException or TimeoutException
        || exception is SmtpCommandException { StatusCode: < (SmtpStatusCode)500 };

    private async ValueTask AttemptAsync(SmtpOptions smtp, MimeMessage message, DeliveryContext context, CancellationToken cancellation)
    {
        context.Attempts++;
        var started = Stopwatch.GetTimestamp();
        var at = _time.GetUtcNow();
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            var security = smtp.StartTls switch
            {
                SmtpStartTls.Required => SecureSocketOptions.StartTls,
                SmtpStartTls.Opportunistic => SecureSocketOptions.StartTlsWhenAvailable,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellation);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellation);
            }

            await client.SendAsync(message, cancellation);
        }
        catch (Exception e)
        {
            _outbox.Record(DeliveryAttemptRecorder.Attempt(context, at, started, "failed", null, e.Message));
            throw;
        }

        _outbox.Record(DeliveryAttemptRecorder.Attempt(context, at, started, "delivered", null, null));
        try
        {
            await client.DisconnectAsync(quit: true, cancellation);
        }
        catch (Exception e) when (IsTransient(e))
        {
            // The server took the message: a failed goodbye must not send it twice.
            LogQuitFailed(_logger, context.NotificationId, context.Receiver, e.Message);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Notification {NotificationId} to {Receiver} was accepted, but closing the SMTP session failed: {Reason}")]
    private static partial void LogQuitFailed(ILogger logger, string notificationId, string receiver, string reason);
}
