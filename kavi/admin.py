from django.contrib import admin

from .models import Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["role", "content", "provider", "latency_ms", "created_at"]
    readonly_fields = ["role", "content", "provider", "latency_ms", "created_at"]
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "business", "user", "title", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["business", "user"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "business", "conversation", "role", "provider", "latency_ms", "created_at"]
    list_filter = ["role", "provider"]
    raw_id_fields = ["business", "conversation"]
