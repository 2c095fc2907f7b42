using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Shipments;

namespace Axle.UnitTests.Shipments;

public sealed class ShipmentTrackingTests
{
    private static readonly DateTime T0 = new(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc);

    private static Shipment New() => new(Guid.NewGuid(), Guid.NewGuid(), 1, "ups", "1Z999", T0);

    [Fact]
    public void A_newer_event_moves_the_status_and_delivery_sets_the_delivery_time()
    {
        var shipment = New();
        Assert.True(shipment.Apply(ShipmentStatus.InTransit, T0.AddHours(1)));
        Assert.True(shipment.Apply(ShipmentStatus.Delivered, T0.AddHours(5)));
        Assert.Equal(ShipmentStatus.Delivered, shipment.Status);
        Assert.Equal(T0.AddHours(5), shipment.DeliveredAt);
    }

    [Fact]
    public void An_older_event_does_not_move_the_status_back()
    {
        var shipment = New();
        Assert.True(shipment.Apply(ShipmentStatus.OutForDelivery, T0.AddHours(3)));
        Assert.False(shipment.Apply(ShipmentStatus.InTransit, T0.AddHours(1)));
        Assert.Equal(ShipmentStatus.OutForDelivery, shipment.Status);
    }

    [Fact]
    public void An_exception_can_be_followed_but_delivered_and_returned_are_final()
    {
        var shipment = New();
        Assert.True(shipment.Apply(ShipmentStatus.Exception, T0.AddHours(1)));
        Assert.True(shipment.Apply(ShipmentStatus.InTransit, T0.AddHours(2)));
        Assert.True(shipment.Apply(ShipmentStatus.ReturnedToSender, T0.AddHours(3)));
        Assert.False(shipment.Apply(ShipmentStatus.Delivered, T0.AddHours(4)));
        Assert.Equal(ShipmentStatus.ReturnedToSender, shipment.Status);
    }

    [Theory]
    [InlineData(ShipmentStatus.LabelCreated, "label_created")]
    [InlineData(ShipmentStatus.OutForDelivery, "out_for_delivery")]
    [InlineData(ShipmentStatus.ReturnedToSender, "returned_to_sender")]
    public void Status_names_round_trip(ShipmentStatus status, string name)
    {
        Assert.Equal(name, Shipment.Name(status));
        Assert.True(Shipment.TryParse(name, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("whsec_c2hvcnQ=", false)]
    [InlineData("whsec_%%%", false)]
    public void Carrier_secrets_must_be_whsec_base64_of_24_bytes_or_more(string secret, bool valid)
    {
        var options = new ShipmentOptions { CarrierWebhookSecrets = [secret] };
        var results = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }
}
