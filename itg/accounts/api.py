from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from itg.accounts.models import User


class MeOut(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name")
    state = serializers.CharField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "office", "state"]


class MeView(APIView):
    """The signed-in user, their role and office."""

    serializer_class = MeOut

    def get(self, request):
        return Response(MeOut(request.user).data)
