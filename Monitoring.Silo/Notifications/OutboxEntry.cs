namespace Monitoring.Silo.Notifications;

/// <summary>One delivery in the outbox: a notification for one receiver.</summary>
public sealed record OutboxEntry(string Receiver, AlertNotification Notification)
{
    public string Key => Receiver + "|" + Notification.Id;
}

/// <summary>What the attempt recorder needs to know about a request.</summary>
public sealed record DeliveryContext(string NotificationId, string Receiver, string AlertId, string Status)
{
    public int Attempts { get; set; }
}
