package io.plmwb.views;
