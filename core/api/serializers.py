from rest_framework import serializers

from ..models import ActivityLog, FailedLoginAttempt, ModuleAssignment, UserSession
from .tenancy import BusinessRelatedField


class ActivityLogSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor_email", read_only=True)
    actor_id = serializers.IntegerField(read_only=True)
    business = serializers.IntegerField(source="business_id", read_only=True)
    object = serializers.SerializerMethodField()

    class Meta:
        model = ActivityLog
        fields = [
            "id",
            "actor",
            "actor_id",
            "business",
            "action",
            "object_type",
            "object_id",
            "object",
            "before",
            "after",
            "ip",
            "user_agent",
            "at",
        ]
        read_only_fields = fields

    def get_object(self, log: ActivityLog) -> str:
        return f"{log.object_type}:{log.object_id}" if log.object_type else ""


class UserSessionSerializer(serializers.ModelSerializer):
    user = serializers.EmailField(source="user.email", read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = UserSession
        fields = [
            "id",
            "user",
            "ip",
            "user_agent",
            "created_at",
            "last_seen_at",
            "revoked_at",
            "is_active",
            "current",
        ]
        read_only_fields = fields

    def get_current(self, session: UserSession) -> bool:
        return str(session.pk) == str(self.context.get("session_id"))


class FailedLoginSerializer(serializers.ModelSerializer):
    class Meta:
        model = FailedLoginAttempt
        fields = ["id", "email", "user", "ip", "user_agent", "reason", "triggered_lockout", "at"]
        read_only_fields = fields


class ModuleAssignmentSerializer(serializers.ModelSerializer):
    # `membership` (optional, nullable) accepts only members of the active business.
    serializer_related_field = BusinessRelatedField

    class Meta:
        model = ModuleAssignment
        fields = ["id", "module", "membership", "enabled", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class AdminAnalyticsSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    since = serializers.DateField()
    totals = serializers.DictField(child=serializers.IntegerField())
    series = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))


class PingSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    business = serializers.IntegerField()
    role = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded", "down"])
    database = serializers.CharField(help_text="`ok` or `unavailable`")
    cache = serializers.CharField(help_text="`ok` or `unavailable` (Redis)")
    version = serializers.CharField()


class LiveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "down"])
    database = serializers.CharField(help_text="`ok` or `unavailable`")
    version = serializers.CharField()
